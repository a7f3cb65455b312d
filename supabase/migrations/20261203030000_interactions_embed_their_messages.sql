-- Embedding between interactions and their messages, without a foreign key (issue 12).
-- PostgREST infers embedding from foreign keys; interaction_messages (interaction_id,
-- user_id) -> ai_interactions (id, user_id) became statement triggers when ai_interactions
-- was partitioned (20261202030000), so `ai_interactions?select=*,interaction_messages(*)`,
-- the reverse, and the same through the view recent_interactions stopped resolving
-- (PGRST200). PostgREST 11+ also embeds through computed relationships: a function of an
-- exposed schema whose one argument is a relation's row type and whose result is
-- `setof <relation>`; its name is the embed's name, `rows 1` makes it to-one. PostgREST
-- calls it in a LEFT JOIN LATERAL with the parent row: `from public.interaction_messages(
-- "ai_interactions"::public.ai_interactions)`.
-- Each function: sql, stable, security invoker (RLS of the target decides what an embed
-- shows, as it did through the foreign key), search_path pinned, one unnamed argument (so
-- PostgREST does not offer it as /rpc), executable by the roles that read both sides.
-- The to-one functions end in `limit 1`: ai_interactions' key is (id, started_at) since it
-- is partitioned, so nothing but the id's randomness keeps an id to one row, and PostgREST
-- repeats the parent row for each row a to-one embed returns.

-- ai_interactions -> its messages (one-to-many), in conversation order.
create function public.interaction_messages(public.ai_interactions)
returns setof public.interaction_messages
language sql
stable
security invoker
set search_path = ''
as $$
  select m.*
  from public.interaction_messages as m
  where m.interaction_id = $1.id and m.user_id = $1.user_id
  order by m.position
$$;
comment on function public.interaction_messages(public.ai_interactions) is
'Computed relationship for PostgREST embedding: ai_interactions?select=*,interaction_messages(*) lists the interaction''s messages in position order (the former foreign key (interaction_id, user_id), now checked by a statement trigger). Security invoker: the caller sees the messages RLS lets them read. Not an RPC.';
revoke execute on function public.interaction_messages(public.ai_interactions)
from public, anon, authenticated, service_role;
grant execute on function public.interaction_messages(public.ai_interactions)
to authenticated, service_role;

-- A message -> its interaction (many-to-one).
create function public.ai_interactions(public.interaction_messages)
returns setof public.ai_interactions
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select i.*
  from public.ai_interactions as i
  where i.id = $1.interaction_id and i.user_id = $1.user_id
  limit 1
$$;
comment on function public.ai_interactions(public.interaction_messages) is
'Computed relationship for PostgREST embedding (to-one): interaction_messages?select=*,ai_interactions(*) gives the message''s interaction (the former foreign key (interaction_id, user_id)), at most one row. Security invoker: RLS on ai_interactions decides. Not an RPC.';
revoke execute on function public.ai_interactions(public.interaction_messages)
from public, anon, authenticated, service_role;
grant execute on function public.ai_interactions(public.interaction_messages)
to authenticated, service_role;

-- recent_interactions -> the interaction's messages: the view exposed the foreign key's
-- columns (id, user_id), so PostgREST embedded through it too. An overload of the first
-- function, as PostgREST documents for one embed name from several relations; PostgREST
-- casts the parent row to its type, so it never has to choose.
create function public.interaction_messages(public.recent_interactions)
returns setof public.interaction_messages
language sql
stable
security invoker
set search_path = ''
as $$
  select m.*
  from public.interaction_messages as m
  where m.interaction_id = $1.id and m.user_id = $1.user_id
  order by m.position
$$;
comment on function public.interaction_messages(public.recent_interactions) is
'Computed relationship for PostgREST embedding: recent_interactions?select=*,interaction_messages(*) lists the interaction''s messages in position order. Security invoker: RLS on interaction_messages decides. Not an RPC.';
revoke execute on function public.interaction_messages(public.recent_interactions)
from public, anon, authenticated, service_role;
grant execute on function public.interaction_messages(public.recent_interactions)
to authenticated, service_role;

-- A message -> its row of recent_interactions (many-to-one; none once the interaction is
-- marked deleted, as the view shows).
create function public.recent_interactions(public.interaction_messages)
returns setof public.recent_interactions
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select r.*
  from public.recent_interactions as r
  where r.id = $1.interaction_id and r.user_id = $1.user_id
  limit 1
$$;
comment on function public.recent_interactions(public.interaction_messages) is
'Computed relationship for PostgREST embedding (to-one): interaction_messages?select=*,recent_interactions(*) gives the message''s interaction as recent_interactions shows it (none when it is marked deleted), at most one row. Security invoker: the view and its tables'' RLS decide. Not an RPC.';
revoke execute on function public.recent_interactions(public.interaction_messages)
from public, anon, authenticated, service_role;
grant execute on function public.recent_interactions(public.interaction_messages)
to authenticated, service_role;
