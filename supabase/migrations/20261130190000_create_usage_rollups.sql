-- Nothing goes stale (issue 10): every change to usage leaves a mark saying which user's
-- usage changed around which instants, and public.refresh_usage_rollups recomputes the
-- rollups of the local days those instants fall on. Statement-level triggers with
-- transition tables on model_calls and ai_interactions (insert, update, delete, truncate)
-- and on user_settings (a change of time zone marks the whole user for a rebuild).
--
-- Race-free by construction, with no unique key and no upsert:
-- - a mark is a plain row, inserted by the writing transaction itself, so it commits (or
--   rolls back) together with the usage it describes;
-- - the refresher deletes the marks it will process with DELETE ... RETURNING in one
--   statement and recomputes in later statements, whose snapshots are newer: whatever was
--   committed before the delete is seen by the recomputation, and whatever commits after
--   it has left a mark the delete did not see (it is not visible to it), which stays for
--   the next run. Nothing is lost; at worst a day is recomputed twice.
-- - A mark holds instants (the UTC range of started_at of the rows a statement touched, per
--   user and UTC date), not local days: the refresher turns them into local days in the
--   user's time zone as it is when it recomputes, so a change of time zone committed
--   concurrently with new usage can never leave a day of the new zone unmarked.
-- No foreign key to auth.users: a mark written while the user's rows are deleted by the
-- cascade of deleting the user would fail that delete; marks of users that no longer exist
-- are dropped by the refresher.
create table private.usage_rollup_marks (
  id bigint generated always as identity primary key,
  user_id uuid not null,
  from_at timestamptz,
  to_at timestamptz,
  marked_at timestamptz not null default now(),
  -- Both null: every day of the user (a change of time zone, a truncate, the first run).
  constraint usage_rollup_marks_range_valid check (
    (from_at is null) = (to_at is null) and from_at <= to_at
  )
);
comment on table private.usage_rollup_marks is
'Usage that changed and whose rollups (ai_usage_stats, agent_usage_daily, private.usage_breakdown_daily) must be recomputed: a user and a range of instants (from_at..to_at, the local days they fall on in the user''s current time zone), or both null for every day of the user. Written by triggers in the writer''s transaction, consumed (DELETE ... RETURNING) by refresh_usage_rollups. Plain rows, duplicates allowed: see the migration''s header for why that is race-free.';
comment on column private.usage_rollup_marks.from_at is 'Earliest started_at touched; null with to_at: every day of the user.';
comment on column private.usage_rollup_marks.to_at is 'Latest started_at touched; null with from_at: every day of the user.';

create index usage_rollup_marks_user_id_idx on private.usage_rollup_marks (user_id);

revoke all on private.usage_rollup_marks from public, anon, authenticated, service_role;

-- Per-agent daily figures (seed 000's daily agent metrics): one row per user, agent and the
-- user's local day, recomputed from private.usage_events by refresh_usage_rollups.
-- No foreign key to ai_agents: the figures of a deleted agent stay (spend that happened);
-- deleting the user deletes them.
create table public.agent_usage_daily (
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  day date not null,
  calls bigint not null,
  interactions bigint not null,
  input_tokens bigint not null,
  cached_input_tokens bigint not null,
  cache_write_tokens bigint not null,
  output_tokens bigint not null,
  reasoning_tokens bigint not null,
  cost numeric not null,
  unpriced_calls bigint not null,
  failed_calls bigint not null,
  cancelled_calls bigint not null,
  latency_p50_ms integer,
  latency_p95_ms integer,
  refreshed_at timestamptz not null default now(),
  constraint agent_usage_daily_pkey primary key (user_id, day, agent_id),
  constraint agent_usage_daily_counts_non_negative check (
    calls >= 0 and interactions >= 0 and unpriced_calls between 0 and calls
    and failed_calls between 0 and calls and cancelled_calls between 0 and calls
  ),
  constraint agent_usage_daily_tokens_non_negative check (
    input_tokens >= 0 and cached_input_tokens >= 0 and cache_write_tokens >= 0
    and output_tokens >= 0 and reasoning_tokens >= 0
  ),
  constraint agent_usage_daily_cost_non_negative check (cost >= 0),
  constraint agent_usage_daily_latency_ordered check (latency_p50_ms <= latency_p95_ms)
);
comment on table public.agent_usage_daily is
'Each agent''s usage per day of its owner''s reporting time zone (user_settings.time_zone), from the usage ledger (private.usage_events: model calls, and interactions recorded without calls): kept by refresh_usage_rollups (every minute where pg_cron runs; else `agentsdb stats refresh-rollups`). Rows outlive the agent (spend that happened); deleting the user deletes them. The owner reads their rows; get_cost_breakdown reads them exactly, today included.';
comment on column public.agent_usage_daily.agent_id is 'The agent (no foreign key: the figures outlive the agent).';
comment on column public.agent_usage_daily.day is 'The owner''s local date of the events'' started_at, in their time zone at refresh time.';
comment on column public.agent_usage_daily.calls is 'Model calls started on the day (every status).';
comment on column public.agent_usage_daily.interactions is
'Distinct interactions with an event on the day (a call of it, or the interaction itself when it has no calls).';
comment on column public.agent_usage_daily.input_tokens is
'Input tokens at the full rate (an interaction recorded without calls counts its input_tokens here).';
comment on column public.agent_usage_daily.cost is
'USD, exact: sum of the priced events'' cost. Unpriced calls add nothing here and are counted in unpriced_calls.';
comment on column public.agent_usage_daily.unpriced_calls is 'Model calls without a cost (no price): never counted as 0 silently.';
comment on column public.agent_usage_daily.failed_calls is 'Model calls with status failed.';
comment on column public.agent_usage_daily.cancelled_calls is 'Model calls with status cancelled.';
comment on column public.agent_usage_daily.latency_p50_ms is
'Median latency_ms of the day''s calls that report one (exact: percentile_disc over every call at refresh time); null when none does.';
comment on column public.agent_usage_daily.latency_p95_ms is
'95th percentile of latency_ms of the day''s calls that report one (percentile_disc, exact); null when none does.';
comment on column public.agent_usage_daily.refreshed_at is 'When refresh_usage_rollups last recomputed the row.';

-- The agent's days (the primary key serves the user's days and the auth.users foreign key).
create index agent_usage_daily_agent_id_day_idx on public.agent_usage_daily (agent_id, day);

alter table public.agent_usage_daily enable row level security;

create policy agent_usage_daily_select_owner on public.agent_usage_daily
for select to authenticated
using (user_id = (select auth.uid()));

create policy agent_usage_daily_all_not_anonymous on public.agent_usage_daily
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_usage_daily_all_not_anonymous on public.agent_usage_daily is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write agent_usage_daily.';

-- Read only for clients; only refresh_usage_rollups (the owner) writes.
revoke all on public.agent_usage_daily from anon, authenticated, service_role;
grant select (
  user_id, agent_id, day, calls, interactions, input_tokens, cached_input_tokens,
  cache_write_tokens, output_tokens, reasoning_tokens, cost, unpriced_calls, failed_calls,
  cancelled_calls, latency_p50_ms, latency_p95_ms, refreshed_at
) on public.agent_usage_daily to authenticated;
grant select on public.agent_usage_daily to service_role;

-- The cost breakdown's rollup: one row per user, local day and what was used (agent, vendor,
-- service, model). Private: get_cost_breakdown reads it for the caller.
create table private.usage_breakdown_daily (
  -- vendor, service and model may be null, so the key is a unique constraint (nulls not
  -- distinct) and the primary key a surrogate.
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  day date not null,
  agent_id uuid not null,
  vendor_id text,
  service_id text,
  model_name text,
  calls bigint not null,
  unpriced_calls bigint not null,
  failed_calls bigint not null,
  input_tokens bigint not null,
  cached_input_tokens bigint not null,
  cache_write_tokens bigint not null,
  output_tokens bigint not null,
  reasoning_tokens bigint not null,
  cost numeric not null,
  constraint usage_breakdown_daily_key unique nulls not distinct (
    user_id, day, agent_id, vendor_id, service_id, model_name
  )
);
comment on table private.usage_breakdown_daily is
'Usage per user, local day (user_settings.time_zone at refresh time), agent, vendor, service and model, from private.usage_events; kept by refresh_usage_rollups, read by get_cost_breakdown for the days no mark says are stale. vendor, service and model are what was used at the time (null when not recorded; model null for interactions recorded without calls).';
comment on column private.usage_breakdown_daily.cost is 'USD, exact: sum of the priced events'' cost.';
comment on column private.usage_breakdown_daily.unpriced_calls is 'Model calls without a cost.';

revoke all on private.usage_breakdown_daily from public, anon, authenticated, service_role;
