-- Rollback of 20261130180500_daily_usage_stats_from_the_ledger.sql: the definitions of
-- 20261130170200 (interactions only, live ones only), no unpriced_events, no index.

create or replace function private.refresh_daily_usage_stats_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  -- Every local day lies within 16 hours of the UTC one (offsets today are within -12 h and
  -- +14 h; the tz database's oldest local mean times reach 15 h 56 min): a range the
  -- started_at index serves, narrowed per user below.
  near_start timestamptz := (target_date::timestamp - interval '16 hours') at time zone 'UTC';
  near_end timestamptz := ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC';
  written integer;
begin
  with day_rows as (
    select
      i.user_id,
      i.agent_id,
      coalesce(i.vendor_id, a.vendor_id) as vendor_id,
      i.duration_minutes,
      i.input_tokens,
      i.output_tokens,
      coalesce(i.total_cost, 0) as cost,
      i.satisfaction_rating,
      i.usefulness_rating
    from public.ai_interactions as i
    inner join public.ai_agents as a on a.id = i.agent_id and a.user_id = i.user_id
    left join public.user_settings as us on us.user_id = i.user_id
    where
      i.started_at >= near_start and i.started_at < near_end
      -- The user's local date of each start (a day of 23 or 25 hours across a daylight-saving
      -- change). Not bounds computed from local midnights: where midnight repeats
      -- (America/Havana falls back from 01:00 to 00:00), `date::timestamp at time zone`
      -- picks the later midnight and would move the first hour to the day before.
      and (i.started_at at time zone coalesce(us.time_zone, 'UTC'))::date = target_date
      and (only_user is null or i.user_id = only_user)
  ),

  totals as (
    select
      d.user_id,
      count(*)::integer as total_interactions,
      count(distinct d.agent_id)::integer as unique_agents_used,
      coalesce(sum(d.duration_minutes), 0)::bigint as total_duration_minutes,
      sum(d.cost)::numeric(38, 8) as total_cost,
      sum(d.input_tokens)::bigint as total_input_tokens,
      sum(d.output_tokens)::bigint as total_output_tokens,
      avg(d.satisfaction_rating)::real as avg_satisfaction,
      avg(d.usefulness_rating)::real as avg_usefulness
    from day_rows as d
    group by d.user_id
  ),

  features as (
    select
      f.user_id,
      jsonb_object_agg(f.feature_id, f.n) as feature_usage
    from (
      select d.user_id, m.feature_id, count(*) as n
      from day_rows as d
      inner join public.agent_feature_mappings as m on m.agent_id = d.agent_id
      group by d.user_id, m.feature_id
    ) as f
    group by f.user_id
  ),

  vendors as (
    select
      v.user_id,
      jsonb_object_agg(v.vendor_id, jsonb_build_object(
        'interactions', v.n,
        'cost', v.cost,
        'input_tokens', v.input_tokens,
        'output_tokens', v.output_tokens
      )) as vendor_usage
    from (
      select
        d.user_id,
        d.vendor_id,
        count(*) as n,
        sum(d.cost)::numeric(38, 8) as cost,
        sum(d.input_tokens)::bigint as input_tokens,
        sum(d.output_tokens)::bigint as output_tokens
      from day_rows as d
      group by d.user_id, d.vendor_id
    ) as v
    group by v.user_id
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
      avg_satisfaction, avg_usefulness
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
      t.avg_satisfaction,
      t.avg_usefulness
    from totals as t
    left join features as f on f.user_id = t.user_id
    left join vendors as v on v.user_id = t.user_id
    on conflict (user_id, date) do update set
      total_interactions = excluded.total_interactions,
      unique_agents_used = excluded.unique_agents_used,
      total_duration_minutes = excluded.total_duration_minutes,
      feature_usage = excluded.feature_usage,
      vendor_usage = excluded.vendor_usage,
      total_cost = excluded.total_cost,
      total_input_tokens = excluded.total_input_tokens,
      total_output_tokens = excluded.total_output_tokens,
      avg_satisfaction = excluded.avg_satisfaction,
      avg_usefulness = excluded.avg_usefulness
    -- Unchanged rows are left alone (updated_at too): a second run writes nothing.
    where (
      s.total_interactions, s.unique_agents_used, s.total_duration_minutes, s.feature_usage,
      s.vendor_usage, s.total_cost, s.total_input_tokens, s.total_output_tokens,
      s.avg_satisfaction, s.avg_usefulness
    ) is distinct from (
      excluded.total_interactions, excluded.unique_agents_used, excluded.total_duration_minutes,
      excluded.feature_usage, excluded.vendor_usage, excluded.total_cost,
      excluded.total_input_tokens, excluded.total_output_tokens, excluded.avg_satisfaction,
      excluded.avg_usefulness
    )
    returning 1
  )

  select (select count(*) from stale) + (select count(*) from upserted) into written;
  return written;
end;
$$;
comment on function private.refresh_daily_usage_stats_of(date, uuid) is
'The body of update_daily_usage_stats: recomputes ai_usage_stats of target_date, each user''s local date in their reporting time zone, for every user (only_user null) or for one user; returns the rows inserted, updated or deleted.';

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
    -- Everyone with interactions near the day (a superset of those on it locally).
    select i.user_id from public.ai_interactions as i
    where
      i.started_at >= (target_date::timestamp - interval '16 hours') at time zone 'UTC'
      and i.started_at < ((target_date + 1)::timestamp + interval '16 hours') at time zone 'UTC'
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
'Recomputes ai_usage_stats for target_date (default: yesterday, UTC) for every user, each by their own local date: the interactions whose start, in the user''s reporting time zone (user_settings.time_zone, UTC without a row), falls on target_date (23 or 25 hours across a daylight-saving change; a repeated midnight counts both times on the new date). Upserts a row per user with interactions and deletes the rows of users with none, so the table always equals a recomputation; a second run changes nothing. Every status counts, deleted included (the usage and its cost happened). vendor_usage groups by the vendor recorded on each interaction (what it ran on at the time); feature_usage by the agents'' current features. A day computed before a change of time zone keeps the old zone until it is refreshed again. A user whose rows make the recomputation fail is skipped (WARNING, and a row in private.job_failures); every other user is still refreshed. Returns the number of rows inserted, updated or deleted. service_role (and pg_cron) only.';

comment on column public.ai_usage_stats.total_interactions is null;
comment on column public.ai_usage_stats.unique_agents_used is
'Distinct agents with an interaction that day.';
comment on column public.ai_usage_stats.feature_usage is
'{"<feature_id>": n}: n = interactions that day of agents having that feature (the agent''s features at computation time; an interaction counts once under each feature of its agent).';
comment on column public.ai_usage_stats.vendor_usage is
'{"<vendor_id>": {"interactions": n, "cost": c, "input_tokens": n, "output_tokens": n}} by the agent''s vendor; cost is an exact JSON number with 8 decimals.';
comment on column public.ai_usage_stats.total_cost is
'Sum of total_cost (unpriced interactions count 0), exact. Seed 002 says DECIMAL(10,4); numeric(38,8) keeps the interactions'' 8 decimals, and its 30 integer digits hold the sum of any number of interactions (each is below 10^8), so no tenant can make the refresh overflow.';
comment on column public.ai_usage_stats.total_input_tokens is
'Sum of input_tokens. Seed 002 says INTEGER; bigint, as daily sums can pass 2^31.';
comment on column public.ai_usage_stats.total_output_tokens is
'Sum of output_tokens. Seed 002 says INTEGER; bigint, as daily sums can pass 2^31.';
drop index public.model_calls_started_at_idx;
alter table public.ai_usage_stats drop column unpriced_events;
