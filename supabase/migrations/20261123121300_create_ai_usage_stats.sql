-- Daily usage statistics per user (seed 002, section 4). Derived data: only
-- update_daily_usage_stats writes it, so a row always equals a recomputation from the raw
-- interactions of that day. Owners read their own rows; no API role writes.
create table public.ai_usage_stats (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  date date not null,
  total_interactions integer not null default 0,
  unique_agents_used integer not null default 0,
  total_duration_minutes bigint not null default 0,
  feature_usage jsonb not null default '{}',
  vendor_usage jsonb not null default '{}',
  total_cost numeric(18, 8) not null default 0,
  total_input_tokens bigint not null default 0,
  total_output_tokens bigint not null default 0,
  avg_satisfaction real,
  avg_usefulness real,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ai_usage_stats_total_interactions_non_negative check (total_interactions >= 0),
  constraint ai_usage_stats_unique_agents_used_in_range check (
    unique_agents_used between 0 and total_interactions
  ),
  constraint ai_usage_stats_total_duration_minutes_non_negative check (total_duration_minutes >= 0),
  constraint ai_usage_stats_feature_usage_is_object check (jsonb_typeof(feature_usage) = 'object'),
  constraint ai_usage_stats_vendor_usage_is_object check (jsonb_typeof(vendor_usage) = 'object'),
  constraint ai_usage_stats_total_cost_non_negative check (total_cost >= 0),
  constraint ai_usage_stats_total_input_tokens_non_negative check (total_input_tokens >= 0),
  constraint ai_usage_stats_total_output_tokens_non_negative check (total_output_tokens >= 0),
  constraint ai_usage_stats_avg_satisfaction_range check (avg_satisfaction between 1 and 5),
  constraint ai_usage_stats_avg_usefulness_range check (avg_usefulness between 1 and 5)
);

comment on table public.ai_usage_stats is
'Usage of one user on one day (UTC), computed from ai_interactions by update_daily_usage_stats (daily by pg_cron where present). Read-only for owners; nothing else writes it.';
comment on column public.ai_usage_stats.date is 'The UTC day of the interactions'' started_at.';
comment on column public.ai_usage_stats.unique_agents_used is 'Distinct agents with an interaction that day.';
comment on column public.ai_usage_stats.total_duration_minutes is
'Sum of duration_minutes (unknown durations count 0). Seed 002 says INTEGER; bigint so a busy day cannot overflow.';
comment on column public.ai_usage_stats.feature_usage is
'{"<feature_id>": n}: n = interactions that day of agents having that feature (the agent''s features at computation time; an interaction counts once under each feature of its agent).';
comment on column public.ai_usage_stats.vendor_usage is
'{"<vendor_id>": {"interactions": n, "cost": c, "input_tokens": n, "output_tokens": n}} by the agent''s vendor; cost is an exact JSON number with 8 decimals.';
comment on column public.ai_usage_stats.total_cost is
'Sum of total_cost (unpriced interactions count 0), exact. Seed 002 says DECIMAL(10,4); numeric(18,8) keeps the interactions'' 8 decimals and room for large totals.';
comment on column public.ai_usage_stats.total_input_tokens is 'Sum of input_tokens. Seed 002 says INTEGER; bigint, as daily sums can pass 2^31.';
comment on column public.ai_usage_stats.total_output_tokens is 'Sum of output_tokens. Seed 002 says INTEGER; bigint, as daily sums can pass 2^31.';
comment on column public.ai_usage_stats.avg_satisfaction is 'Mean satisfaction_rating of the rated interactions; null when none was rated.';
comment on column public.ai_usage_stats.avg_usefulness is 'Mean usefulness_rating of the rated interactions; null when none was rated.';

-- The name seed 002 (section 6) gives. One row per user and day; serves the policy column,
-- the auth.users foreign key and "my last 30 days" newest first (scanned backwards).
create unique index idx_ai_usage_stats_user_date on public.ai_usage_stats (user_id, date);
-- A day of every user: the refresh removes rows of users without interactions that day.
create index ai_usage_stats_date_idx on public.ai_usage_stats (date);

create trigger ai_usage_stats_set_updated_at
before update on public.ai_usage_stats
for each row execute function private.set_updated_at();

alter table public.ai_usage_stats enable row level security;

create policy ai_usage_stats_select_authenticated on public.ai_usage_stats
for select to authenticated
using (user_id = (select auth.uid()));

revoke all on public.ai_usage_stats from anon, authenticated, service_role;
grant select on public.ai_usage_stats to authenticated, service_role;
