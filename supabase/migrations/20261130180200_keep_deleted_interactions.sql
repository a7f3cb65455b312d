-- Deleted interactions keep their numbers (issue 10, "usage is a financial record"): the
-- content of an interaction (title, transcript, metadata, tags) may be deleted, the usage it
-- records may not. An AFTER DELETE statement trigger copies the numbers of every deleted
-- interaction (deleted directly, or with its agent) into private.deleted_interactions: user,
-- agent, vendor, service, times, duration, tokens, cost, ratings, when and by whom. The
-- statistics count those rows like live ones, and private.usage_events reads the totals of
-- the ones recorded without model calls (an interaction with calls is spent through its
-- calls, which outlive it). Deleting the user deletes them (the foreign key cascades; the
-- trigger keeps nothing of a user being deleted).
create table private.deleted_interactions (
  -- Its own key: an id may be deleted twice (a client may insert an interaction again under
  -- the id of one it deleted), and each deletion keeps its numbers.
  entry_id bigint generated always as identity primary key,
  id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  vendor_id text,
  service_id text,
  started_at timestamptz not null,
  ended_at timestamptz,
  duration_minutes integer,
  input_tokens integer not null,
  output_tokens integer not null,
  total_cost numeric(16, 8),
  satisfaction_rating integer,
  usefulness_rating integer,
  deleted_at timestamptz not null default now(),
  deleted_by uuid,
  deleted_by_role text not null default current_user
);
comment on table private.deleted_interactions is
'The numbers of every deleted interaction (directly or with its agent), without its content: statistics count them as before the delete, and private.usage_events takes the totals of those recorded without model calls. Filled only by the AFTER DELETE trigger on ai_interactions; deleting the user deletes them. Not exposed.';
comment on column private.deleted_interactions.id is 'The id the interaction had (model_calls.interaction_id may still name it).';
comment on column private.deleted_interactions.entry_id is 'This entry (one per deletion).';
comment on column private.deleted_interactions.deleted_by is
'auth.uid() of the request that deleted it (null for service_role without a user, and for jobs).';
comment on column private.deleted_interactions.deleted_by_role is
'The database role the delete ran as (authenticated, service_role, postgres...).';

-- The auth.users foreign key and one user's days; a day of every user (the statistics).
create index deleted_interactions_user_id_started_at_idx on private.deleted_interactions (
  user_id, started_at
);
create index deleted_interactions_started_at_idx on private.deleted_interactions (started_at);

revoke all on private.deleted_interactions from public, anon, authenticated, service_role;

create function private.keep_deleted_interactions()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = gone
begin
  -- Rows of a user being deleted are not kept: the user's deletion removes everything of
  -- theirs (their auth.users row is already gone when its cascade reaches this trigger).
  insert into private.deleted_interactions (
    id, user_id, agent_id, vendor_id, service_id, started_at, ended_at, duration_minutes,
    input_tokens, output_tokens, total_cost, satisfaction_rating, usefulness_rating,
    deleted_by, deleted_by_role
  )
  select
    g.id, g.user_id, g.agent_id, g.vendor_id, g.service_id, g.started_at, g.ended_at,
    g.duration_minutes, g.input_tokens, g.output_tokens, g.total_cost, g.satisfaction_rating,
    g.usefulness_rating, auth.uid(), coalesce(nullif(current_setting('role'), 'none'), session_user)
  from gone as g
  where exists (select from auth.users as u where u.id = g.user_id);
  return null;
end;
$$;
comment on function private.keep_deleted_interactions() is
'AFTER DELETE statement trigger on ai_interactions: copies the numbers of the deleted rows (not their content) into private.deleted_interactions, except rows of a user being deleted.';
revoke execute on function private.keep_deleted_interactions()
from public, anon, authenticated, service_role;

create trigger ai_interactions_keep_deleted
after delete on public.ai_interactions
referencing old table as gone
for each statement execute function private.keep_deleted_interactions();

-- The ledger's view again, with the deleted interactions recorded without calls, and the
-- agent's vendor for the few live interactions recorded before vendors were (as the
-- statistics always did).
create or replace view private.usage_events
with (security_invoker = true)
as
select
  m.user_id,
  m.agent_id,
  m.interaction_id,
  m.id as model_call_id,
  m.vendor_id,
  m.service_id,
  m.model_name,
  m.started_at,
  m.input_tokens::bigint as input_tokens,
  m.cached_input_tokens::bigint as cached_input_tokens,
  m.cache_write_tokens::bigint as cache_write_tokens,
  m.output_tokens::bigint as output_tokens,
  m.reasoning_tokens::bigint as reasoning_tokens,
  -- numeric(24, 12) and the interactions' numeric(16, 8) meet as numeric.
  m.cost,
  m.status,
  m.latency_ms,
  m.time_to_first_token_ms
from public.model_calls as m
union all
select
  i.user_id,
  i.agent_id,
  i.id as interaction_id,
  null::uuid as model_call_id,
  coalesce(i.vendor_id, a.vendor_id) as vendor_id,
  i.service_id,
  null::text as model_name,
  i.started_at,
  i.input_tokens::bigint as input_tokens,
  0::bigint as cached_input_tokens,
  0::bigint as cache_write_tokens,
  i.output_tokens::bigint as output_tokens,
  0::bigint as reasoning_tokens,
  i.total_cost::numeric,
  'succeeded'::text as status,
  null::integer as latency_ms,
  null::integer as time_to_first_token_ms
from public.ai_interactions as i
left join public.ai_agents as a on i.agent_id = a.id
where
  not exists (
    select from public.model_calls as c
    where c.interaction_id = i.id
  )
union all
select
  d.user_id,
  d.agent_id,
  d.id as interaction_id,
  null::uuid as model_call_id,
  d.vendor_id,
  d.service_id,
  null::text as model_name,
  d.started_at,
  d.input_tokens::bigint as input_tokens,
  0::bigint as cached_input_tokens,
  0::bigint as cache_write_tokens,
  d.output_tokens::bigint as output_tokens,
  0::bigint as reasoning_tokens,
  d.total_cost::numeric,
  'succeeded'::text as status,
  null::integer as latency_ms,
  null::integer as time_to_first_token_ms
from private.deleted_interactions as d
where not exists (
  select from public.model_calls as c
  where c.interaction_id = d.id
);
comment on view private.usage_events is
'What was spent, one row per event: every model call (model_call_id set), and every interaction, live or deleted (private.deleted_interactions), that has no calls (model_call_id null; its own totals, input tokens as input_tokens, status succeeded). cost null = unpriced, never 0. The one input of statistics, cost breakdowns and budgets. Not exposed to API roles.';
