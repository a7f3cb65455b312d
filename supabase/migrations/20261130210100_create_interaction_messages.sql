-- Conversations and messages (issue 13): an interaction is a conversation or session, made of
-- ordered messages (system, user, assistant, tool) with the model call that produced them and
-- their tokens. Only the interaction's owner reads and writes them (RLS); service_role
-- records for any user. Full-text search over one's own messages; messages stream through
-- Supabase Realtime where its publication exists. Content can be purged after N days while
-- the numbers stay (the usage itself is in the ledger: model_calls and the interactions).

-- Target of the (interaction_id, user_id) foreign key: a message belongs to its
-- interaction's owner. Migrations run in one transaction, so the index cannot be built
-- CONCURRENTLY: on a large ai_interactions this holds writes for the time of one index build.
-- squawk-ignore constraint-missing-not-valid,disallowed-unique-constraint
alter table public.ai_interactions add constraint ai_interactions_id_user_id_key unique (id, user_id);

create table public.interaction_messages (
  id uuid primary key default gen_random_uuid(),
  interaction_id uuid not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  position integer not null,
  role text not null,
  content text,
  metadata jsonb not null default '{}',
  model_call_id uuid,
  tokens integer not null default 0,
  content_purged_at timestamptz,
  created_at timestamptz not null default now(),
  content_search tsvector generated always as (
    to_tsvector('simple'::regconfig, coalesce(content, ''))
  ) stored,
  constraint interaction_messages_interaction_owned_by_user foreign key (interaction_id, user_id)
  references public.ai_interactions (id, user_id) on update cascade on delete cascade,
  -- Also the index of the foreign key and of reading a conversation in order.
  constraint interaction_messages_interaction_id_user_id_position_key unique (
    interaction_id, user_id, position
  ),
  constraint interaction_messages_position_non_negative check (position >= 0),
  constraint interaction_messages_role_valid check (role in ('system', 'user', 'assistant', 'tool')),
  constraint interaction_messages_content_length check (length(content) <= 100000),
  constraint interaction_messages_metadata_is_object check (
    jsonb_typeof(metadata) = 'object' and octet_length(metadata::text) <= 16384
  ),
  constraint interaction_messages_tokens_non_negative check (tokens >= 0),
  constraint interaction_messages_purged_has_no_content check (
    content_purged_at is null or (content is null and metadata = '{}'::jsonb)
  )
);
comment on table public.interaction_messages is
'The messages of an interaction (a conversation or session), ordered by position. Visible and writable only by the interaction''s owner; service_role records for any user. Deleting the interaction deletes its messages. In the supabase_realtime publication where it exists.';
comment on column public.interaction_messages.interaction_id is
'The interaction (conversation); it must belong to user_id (foreign key on (interaction_id, user_id)).';
comment on column public.interaction_messages.user_id is 'The interaction''s owner; defaults to the caller.';
comment on column public.interaction_messages.position is
'Order within the interaction, from 0, unique per interaction. When not given it is the next one (one more than the highest so far).';
comment on column public.interaction_messages.role is 'system, user, assistant or tool.';
comment on column public.interaction_messages.content is
'The text (at most 100,000 characters); null once purged (content_purged_at).';
comment on column public.interaction_messages.metadata is
'Free-form data such as tool calls (a JSON object, at most 16 KiB); emptied with the content by a purge.';
comment on column public.interaction_messages.model_call_id is
'The model call that produced the message (model_calls.id), as a plain id: the ledger outlives messages and messages outlive nothing.';
comment on column public.interaction_messages.tokens is 'Tokens of this message; kept when the content is purged.';
comment on column public.interaction_messages.content_purged_at is
'When purge_message_content removed the content and metadata; null while they are kept.';
comment on column public.interaction_messages.content_search is
'Full-text search vector of the content (the simple configuration: words lower-cased, no stemming, no stop words); search_messages reads it.';

create index interaction_messages_user_id_created_at_idx
on public.interaction_messages (user_id, created_at);
create index interaction_messages_content_search_idx
on public.interaction_messages using gin (content_search);

-- A message without a position takes the next one of its interaction. The advisory lock
-- (per interaction, until commit) makes concurrent writers to one conversation queue instead
-- of colliding on the unique position.
create function private.number_interaction_message()
returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if new.position is null then
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended('agentsdb.interaction_messages:' || new.interaction_id::text, 0)
    );
    select coalesce(max(m.position) + 1, 0) into new.position
    from public.interaction_messages as m
    where m.interaction_id = new.interaction_id;
  end if;
  return new;
end;
$$;
comment on function private.number_interaction_message() is
'BEFORE INSERT trigger on interaction_messages: a message without a position gets one more than the highest position of its interaction (0 for the first), under a transaction-scoped advisory lock per interaction. Reads with the writer''s rights: a client sees only its own messages, which are all the messages of its own interactions.';
revoke execute on function private.number_interaction_message()
from public, anon, authenticated, service_role;

create trigger interaction_messages_number
before insert on public.interaction_messages
for each row execute function private.number_interaction_message();

alter table public.interaction_messages enable row level security;

create policy interaction_messages_select_owner on public.interaction_messages
for select to authenticated
using (user_id = (select auth.uid()));
create policy interaction_messages_insert_owner on public.interaction_messages
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and interaction_id in (
    select i.id from public.ai_interactions as i
    where i.user_id = (select auth.uid())
  )
);
create policy interaction_messages_update_owner on public.interaction_messages
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy interaction_messages_delete_owner on public.interaction_messages
for delete to authenticated
using (user_id = (select auth.uid()));
create policy interaction_messages_all_not_anonymous on public.interaction_messages
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy interaction_messages_all_not_anonymous on public.interaction_messages is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write interaction_messages.';

-- Clients: every column readable (select * works), ids are the database's (issue 9),
-- interaction, owner and position fixed once written.
revoke all on public.interaction_messages from anon, authenticated, service_role;
grant select (
  id, interaction_id, user_id, position, role, content, metadata, model_call_id, tokens,
  content_purged_at, created_at, content_search
) on public.interaction_messages to authenticated, service_role;
grant insert (
  interaction_id, user_id, position, role, content, metadata, model_call_id, tokens
) on public.interaction_messages to authenticated;
grant insert (
  id, interaction_id, user_id, position, role, content, metadata, model_call_id, tokens,
  created_at
) on public.interaction_messages to service_role;
-- content_purged_at: purge_message_content runs with the caller's rights (the check
-- interaction_messages_purged_has_no_content keeps it honest).
grant update (role, content, metadata, model_call_id, tokens, content_purged_at)
on public.interaction_messages to authenticated, service_role;
grant delete on public.interaction_messages to authenticated, service_role;

-- Supabase Realtime streams the tables of its publication (RLS decides who receives a row).
-- Where the publication does not exist (plain PostgreSQL, Realtime off), nothing is created.
do $migration$
begin
  if exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    alter publication supabase_realtime add table public.interaction_messages;
  end if;
end
$migration$;

-- Full-text search over the caller's own messages, best match first.
create function public.search_messages(query text, max_results integer default 20)
returns table (
  id uuid,
  interaction_id uuid,
  agent_id uuid,
  "position" integer,  -- noqa: RF06
  role text,
  content text,
  headline text,
  rank real,
  created_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  terms tsquery;
begin
  if search_messages.query is null then
    raise exception using errcode = '22004', message = 'query: required';
  end if;
  if length(search_messages.query) > 1000 then
    raise exception using errcode = '22023', message = 'query: at most 1000 characters';
  end if;
  if search_messages.max_results is null or search_messages.max_results not between 1 and 1000 then
    raise exception using errcode = '22023', message = 'max_results: between 1 and 1000';
  end if;
  -- websearch syntax ("quoted phrase", or, -word) never fails to parse.
  terms := pg_catalog.websearch_to_tsquery('simple'::regconfig, search_messages.query);
  return query
  select
    m.id, m.interaction_id, i.agent_id, m.position, m.role, m.content,
    pg_catalog.ts_headline('simple'::regconfig, m.content, terms),
    pg_catalog.ts_rank(m.content_search, terms),
    m.created_at
  from public.interaction_messages as m
  inner join public.ai_interactions as i on i.id = m.interaction_id and i.user_id = m.user_id
  where m.content_search @@ terms and m.user_id = (select auth.uid())
  order by 8 desc, m.created_at desc, m.id
  limit search_messages.max_results;
end;
$$;
comment on function public.search_messages(text, integer) is
'Full-text search over the caller''s own messages (web search syntax: words, "a phrase", or, -word; words match whole and case-insensitively, no stemming), best match first, with a highlighted headline. max_results 1 to 1000 (default 20; named so because PostgREST reserves limit). Purged messages have no content and never match. 22004 query null, 22023 query over 1000 characters or max_results out of range.';
revoke execute on function public.search_messages(text, integer)
from public, anon, authenticated, service_role;
grant execute on function public.search_messages(text, integer) to authenticated;

-- Content retention: the text goes, the numbers (tokens, the model call, times) stay.
create function public.purge_message_content(older_than_days integer)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  purged integer;
begin
  if purge_message_content.older_than_days is null then
    raise exception using errcode = '22004', message = 'older_than_days: required';
  end if;
  if purge_message_content.older_than_days not between 0 and 36500 then
    raise exception using errcode = '22023', message = 'older_than_days: between 0 and 36500';
  end if;
  -- The caller's rights decide whose messages: a user's own (RLS), service_role everyone's.
  update public.interaction_messages as m
  set content = null, metadata = '{}', content_purged_at = now()
  where
    m.content_purged_at is null
    and m.created_at <= now() - make_interval(days => purge_message_content.older_than_days)
    and (auth.uid() is null or m.user_id = (select auth.uid()));
  get diagnostics purged = row_count;
  return purged;
end;
$$;
comment on function public.purge_message_content(integer) is
'Removes the content and metadata of messages created more than older_than_days days ago (0 to 36500; 0: all of them), keeping role, position, tokens, model_call_id and times, and returns how many were purged. A signed-in user purges their own messages; service_role everyone''s. The usage itself (model_calls, interaction totals) is untouched.';
revoke execute on function public.purge_message_content(integer)
from public, anon, authenticated, service_role;
grant execute on function public.purge_message_content(integer) to authenticated, service_role;
