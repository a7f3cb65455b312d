-- Daily statistics from the ledger (issue 10, "usage is a financial record"): deleting an
-- agent or an interaction no longer rewrites a day's figures on its next refresh.
-- - Interactions, live and deleted (private.deleted_interactions), count by their local start
--   day for total_interactions, unique_agents_used, duration and ratings.
-- - Cost and tokens come from private.usage_events, by each event's local start day: every
--   model call (calls without an interaction, and calls of deleted interactions or agents,
--   included) and every interaction without calls. Input tokens are input + cached input +
--   cache write, output tokens output + reasoning (the interactions' totals).
-- - An event without a cost is unpriced: it adds nothing to the costs and is counted in the
--   new column unpriced_events, never as a silent 0.
-- - vendor_usage groups by the vendor recorded on each event (interactions: their own
--   vendor; cost and tokens: the call's vendor).
-- - feature_usage counts the day's interactions (live and deleted) under the current features
--   of their agent; the interactions of a deleted agent count under no feature (its features
--   went with it), but still in every other figure.
-- A user with usage but no interaction that day (calls on their own) gets a row with
-- total_interactions 0. Signature, caller check, tenant isolation and idempotency unchanged.
alter table public.ai_usage_stats add column unpriced_events integer not null default 0;
-- squawk-ignore constraint-missing-not-valid
alter table public.ai_usage_stats add constraint ai_usage_stats_unpriced_events_non_negative
check (unpriced_events >= 0);
grant select (unpriced_events) on public.ai_usage_stats to authenticated;
comment on column public.ai_usage_stats.unpriced_events is
'Usage events of the day without a cost (model calls with no price, interactions recorded without calls or cost): counted here, and in the tokens, but not in total_cost.';
comment on column public.ai_usage_stats.total_cost is
'Sum of the costs of the day''s usage events (model calls, and interactions without calls; deleted ones included), exact; unpriced events add nothing and are counted in unpriced_events.';
comment on column public.ai_usage_stats.total_input_tokens is
'Input tokens of the day''s usage events (input + cached input + cache write).';
comment on column public.ai_usage_stats.total_output_tokens is
'Output tokens of the day''s usage events (output + reasoning).';
comment on column public.ai_usage_stats.total_interactions is
'Interactions started that local day, deleted ones included.';
comment on column public.ai_usage_stats.unique_agents_used is
'Distinct agents of the day''s interactions (deleted agents included; calls without an interaction do not count).';
comment on column public.ai_usage_stats.feature_usage is
'{"<feature_id>": n}: n = interactions that day (deleted ones included) of agents having that feature now; an agent that was deleted has no features, so its interactions count under none.';
comment on column public.ai_usage_stats.vendor_usage is
'{"<vendor_id>": {"interactions": n, "cost": c, "input_tokens": n, "output_tokens": n}}: interactions by the vendor recorded on each, cost and tokens by the vendor of each usage event; cost is an exact JSON number with 8 decimals.';

-- A day of every user's calls (the daily refresh reads them by start).
-- squawk-ignore require-concurrent-index-creation
create index model_calls_started_at_idx on public.model_calls (started_at);

create or replace function private.refresh_daily_usage_stats_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  -- Every local day lies within 16 hours of the UTC one (see 20261130170200).
  near_start timestamptz := (target_date::timestamp - interval '16 hours') at time zone 'UTC';
  near_end timestamptz := ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC';
  written integer;
begin
  with near_interactions as (
    select
      i.user_id,
      i.agent_id,
      coalesce(i.vendor_id, a.vendor_id, 'unknown') as vendor_id,
      i.started_at,
      i.duration_minutes,
      i.satisfaction_rating,
      i.usefulness_rating
    from public.ai_interactions as i
    left join public.ai_agents as a on i.agent_id = a.id
    where
      i.started_at >= near_start and i.started_at < near_end
      and (only_user is null or i.user_id = only_user)
    union all
    select
      d.user_id,
      d.agent_id,
      coalesce(d.vendor_id, 'unknown'),
      d.started_at,
      d.duration_minutes,
      d.satisfaction_rating,
      d.usefulness_rating
    from private.deleted_interactions as d
    where
      d.started_at >= near_start and d.started_at < near_end
      and (only_user is null or d.user_id = only_user)
  ),

  -- The user's local date of each start (23 or 25 hours across a daylight-saving change; a
  -- repeated midnight counts on the new date): see 20261130170200.
  day_interactions as (
    select n.*
    from near_interactions as n
    left join public.user_settings as us on n.user_id = us.user_id
    where (n.started_at at time zone coalesce(us.time_zone, 'UTC'))::date = target_date
  ),

  day_events as (
    select
      e.user_id,
      coalesce(e.vendor_id, 'unknown') as vendor_id,
      e.cost,
      e.input_tokens + e.cached_input_tokens + e.cache_write_tokens as input_tokens,
      e.output_tokens + e.reasoning_tokens as output_tokens
    from private.usage_events as e
    left join public.user_settings as us on e.user_id = us.user_id
    where
      e.started_at >= near_start and e.started_at < near_end
      and (only_user is null or e.user_id = only_user)
      and (e.started_at at time zone coalesce(us.time_zone, 'UTC'))::date = target_date
  ),

  interaction_totals as (
    select
      d.user_id,
      count(*)::integer as total_interactions,
      count(distinct d.agent_id)::integer as unique_agents_used,
      coalesce(sum(d.duration_minutes), 0)::bigint as total_duration_minutes,
      avg(d.satisfaction_rating)::real as avg_satisfaction,
      avg(d.usefulness_rating)::real as avg_usefulness
    from day_interactions as d
    group by d.user_id
  ),

  event_totals as (
    select
      e.user_id,
      coalesce(sum(e.cost), 0)::numeric(38, 8) as total_cost,
      sum(e.input_tokens)::bigint as total_input_tokens,
      sum(e.output_tokens)::bigint as total_output_tokens,
      (count(*) - count(e.cost))::integer as unpriced_events
    from day_events as e
    group by e.user_id
  ),

  totals as (
    select
      coalesce(i.user_id, e.user_id) as user_id,
      coalesce(i.total_interactions, 0) as total_interactions,
      coalesce(i.unique_agents_used, 0) as unique_agents_used,
      coalesce(i.total_duration_minutes, 0) as total_duration_minutes,
      coalesce(e.total_cost, 0) as total_cost,
      coalesce(e.total_input_tokens, 0) as total_input_tokens,
      coalesce(e.total_output_tokens, 0) as total_output_tokens,
      coalesce(e.unpriced_events, 0) as unpriced_events,
      i.avg_satisfaction,
      i.avg_usefulness
    from interaction_totals as i
    full join event_totals as e on i.user_id = e.user_id
  ),

  features as (
    select
      f.user_id,
      jsonb_object_agg(f.feature_id, f.n) as feature_usage
    from (
      select d.user_id, m.feature_id, count(*) as n
      from day_interactions as d
      inner join public.agent_feature_mappings as m on d.agent_id = m.agent_id
      group by d.user_id, m.feature_id
    ) as f
    group by f.user_id
  ),

  vendors as (
    select
      coalesce(vi.user_id, ve.user_id) as user_id,
      jsonb_object_agg(coalesce(vi.vendor_id, ve.vendor_id), jsonb_build_object(
        'interactions', coalesce(vi.n, 0),
        'cost', coalesce(ve.cost, 0)::numeric(38, 8),
        'input_tokens', coalesce(ve.input_tokens, 0),
        'output_tokens', coalesce(ve.output_tokens, 0)
      )) as vendor_usage
    from (
      select d.user_id, d.vendor_id, count(*) as n
      from day_interactions as d
      group by d.user_id, d.vendor_id
    ) as vi
    full join (
      select
        e.user_id,
        e.vendor_id,
        sum(e.cost)::numeric(38, 8) as cost,
        sum(e.input_tokens)::bigint as input_tokens,
        sum(e.output_tokens)::bigint as output_tokens
      from day_events as e
      group by e.user_id, e.vendor_id
    ) as ve on vi.user_id = ve.user_id and vi.vendor_id = ve.vendor_id
    group by coalesce(vi.user_id, ve.user_id)
  ),

  stale as (
    delete from public.ai_usage_stats as s
    where
      s.date = target_date
      and (only_user is null or s.user_id = only_user)
      and s.user_id not in (select t.user_id from totals as t)
    returning 1
  ),

  upserted as (
    insert into public.ai_usage_stats as s (
      user_id, date, total_interactions, unique_agents_used, total_duration_minutes,
      feature_usage, vendor_usage, total_cost, total_input_tokens, total_output_tokens,
      unpriced_events, avg_satisfaction, avg_usefulness
    )
    select
      t.user_id,
      target_date,
      t.total_interactions,
      t.unique_agents_used,
      t.total_duration_minutes,
      coalesce(f.feature_usage, '{}'),
      coalesce(v.vendor_usage, '{}'),
      t.total_cost,
      t.total_input_tokens,
      t.total_output_tokens,
      t.unpriced_events,
      t.avg_satisfaction,
      t.avg_usefulness
    from totals as t
    left join features as f on t.user_id = f.user_id
    left join vendors as v on t.user_id = v.user_id
    -- A user deleted meanwhile has no row to write (the refresh runs under read committed).
    where exists (select from auth.users as u where u.id = t.user_id)
    on conflict (user_id, date) do update set
      total_interactions = excluded.total_interactions,
      unique_agents_used = excluded.unique_agents_used,
      total_duration_minutes = excluded.total_duration_minutes,
      feature_usage = excluded.feature_usage,
      vendor_usage = excluded.vendor_usage,
      total_cost = excluded.total_cost,
      total_input_tokens = excluded.total_input_tokens,
      total_output_tokens = excluded.total_output_tokens,
      unpriced_events = excluded.unpriced_events,
      avg_satisfaction = excluded.avg_satisfaction,
      avg_usefulness = excluded.avg_usefulness
    -- Unchanged rows are left alone (updated_at too): a second run writes nothing.
    where (
      s.total_interactions, s.unique_agents_used, s.total_duration_minutes, s.feature_usage,
      s.vendor_usage, s.total_cost, s.total_input_tokens, s.total_output_tokens,
      s.unpriced_events, s.avg_satisfaction, s.avg_usefulness
    ) is distinct from (
      excluded.total_interactions, excluded.unique_agents_used, excluded.total_duration_minutes,
      excluded.feature_usage, excluded.vendor_usage, excluded.total_cost,
      excluded.total_input_tokens, excluded.total_output_tokens, excluded.unpriced_events,
      excluded.avg_satisfaction, excluded.avg_usefulness
    )
    returning 1
  )

  select (select count(*) from stale) + (select count(*) from upserted) into written;
  return written;
end;
$$;
comment on function private.refresh_daily_usage_stats_of(date, uuid) is
'The body of update_daily_usage_stats: recomputes ai_usage_stats of target_date, each user''s local date in their reporting time zone, from the ledger (interactions live and deleted; cost and tokens from private.usage_events), for every user (only_user null) or for one user; returns the rows inserted, updated or deleted.';

create or replace function public.update_daily_usage_stats(
  target_date date default ((now() at time zone 'UTC')::date - 1)
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  written integer := 0;
  tenant uuid;
  state text;
  detail text;
begin
  -- EXECUTE is granted to service_role only; the function also checks its caller itself
  -- (an allow-list: service_role, its members such as postgres and pg_cron's jobs), so a
  -- mistaken grant, or a custom role that inherits authenticated, cannot refresh anything.
  perform private.require_service_role('update_daily_usage_stats');
  if target_date is null then
    raise exception using
      errcode = '22004',
      message = 'target_date: must not be null',
      hint = 'Pass a date, or omit it for yesterday (UTC).';
  end if;
  if not isfinite(target_date) then
    raise exception using
      errcode = '22023',
      message = 'target_date: must be a finite date',
      hint = 'Pass a calendar date such as 2026-01-31.';
  end if;
  -- The day's end must be a timestamp, whose range ends before the date type's.
  if target_date > date '294276-12-30' then
    raise exception using
      errcode = '22023',
      message = 'target_date: must be 294276-12-30 or earlier',
      hint = 'Pass a calendar date such as 2026-01-31.';
  end if;

  -- One refresh of a given day at a time: a second one waits, then recomputes from a newer
  -- snapshot, so an older result never overwrites a newer one.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtext('public.update_daily_usage_stats'), target_date - date '2000-01-01'
  );

  -- Every user in one statement; should any user's rows make it fail, every user again, one
  -- at a time, each in its own subtransaction, so one tenant cannot stop the others.
  begin
    return private.refresh_daily_usage_stats_of(target_date, null);
  exception when others then
    null;
  end;

  for tenant in
    -- Everyone with usage near the day (a superset of those with usage on it locally).
    select i.user_id from public.ai_interactions as i
    where
      i.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and i.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
    union
    select d.user_id from private.deleted_interactions as d
    where
      d.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and d.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
    union
    select m.user_id from public.model_calls as m
    where
      m.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and m.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
    union
    select s.user_id from public.ai_usage_stats as s
    where s.date = target_date
    order by 1
  loop
    begin
      written := written + private.refresh_daily_usage_stats_of(target_date, tenant);
    exception when others then
      get stacked diagnostics state = returned_sqlstate, detail = message_text;
      perform private.record_job_failure(
        'update_daily_usage_stats', tenant, target_date::text, state, detail
      );
    end;
  end loop;
  return written;
end;
$$;
comment on function public.update_daily_usage_stats(date) is
'Recomputes ai_usage_stats for target_date (default: yesterday, UTC) for every user, each by their own local date (user_settings.time_zone, UTC without a row; 23 or 25 hours across a daylight-saving change; a repeated midnight counts both times on the new date), from the usage ledger: interactions live and deleted (counts, agents, duration, ratings) by their start, cost and tokens from private.usage_events (model calls, also of deleted agents and interactions, and interactions without calls) by each event''s start; unpriced events count in unpriced_events, not as 0. Upserts a row per user with usage and deletes the rows of users with none, so the table always equals a recomputation; a second run changes nothing. vendor_usage groups by the vendor recorded on each interaction and call; feature_usage by the current features of existing agents. A day computed before a change of time zone keeps the old zone until it is refreshed again. A user whose rows make the recomputation fail is skipped (WARNING, and a row in private.job_failures); every other user is still refreshed. Returns the number of rows inserted, updated or deleted. service_role (and pg_cron) only.';
