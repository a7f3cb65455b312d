-- Back to the breakdown without monthly rollups: the cost breakdown of 20261201020100, the
-- daily key without the figures.
drop trigger usage_breakdown_daily_added on private.usage_breakdown_daily;
drop trigger usage_breakdown_daily_removed on private.usage_breakdown_daily;
drop trigger usage_breakdown_daily_updated_from on private.usage_breakdown_daily;
drop trigger usage_breakdown_daily_updated_to on private.usage_breakdown_daily;
drop trigger usage_breakdown_daily_emptied on private.usage_breakdown_daily;
drop function private.usage_breakdown_daily_added();
drop function private.usage_breakdown_daily_removed();
drop function private.usage_breakdown_daily_emptied();
drop table private.usage_breakdown_monthly;

alter table private.usage_breakdown_daily
drop constraint usage_breakdown_daily_key,
add constraint usage_breakdown_daily_key unique nulls not distinct (
  user_id, day, agent_id, vendor_id, service_id, model_name
);

create or replace function private.cost_breakdown(
  period text, group_by text, from_date date, to_date date, user_id uuid
)
returns table (
  period_start date,
  period_end date,
  group_key text,
  calls bigint,
  unpriced_calls bigint,
  failed_calls bigint,
  input_tokens bigint,
  cached_input_tokens bigint,
  cache_write_tokens bigint,
  output_tokens bigint,
  reasoning_tokens bigint,
  cost numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  who uuid := cost_breakdown.user_id;
  first_day date;
  last_day date;
  ledger_from timestamptz;
  ledger_until timestamptz;
begin
  if not is_service then
    if auth.uid() is null or private.is_anonymous() then
      raise exception using
        errcode = '42501',
        message = 'get_cost_breakdown: sign in (not anonymously), or call it with the service_role key',
        hint = 'Signed-in users read their own costs; servers use service_role and pass user_id.';
    end if;
    if who is not null and who <> auth.uid() then
      raise exception using
        errcode = '42501',
        message = 'user_id: only service_role may read another user''s costs',
        hint = 'Omit user_id to read your own.';
    end if;
    who := auth.uid();
  elsif who is null then
    raise exception using
      errcode = '22004',
      message = 'user_id: required when called with the service_role key',
      hint = 'Pass the id of the user whose costs to read.';
  end if;
  if cost_breakdown.period is null then
    raise exception using errcode = '22004', message = 'period: must not be null',
      hint = 'Pass day, week or month.';
  end if;
  if cost_breakdown.period not in ('day', 'week', 'month') then
    raise exception using errcode = '22023', message = 'period: must be day, week or month',
      hint = 'Weeks are ISO weeks (from Monday), months calendar months, in the user''s time zone.';
  end if;
  if cost_breakdown.group_by is null then
    raise exception using errcode = '22004', message = 'group_by: must not be null',
      hint = 'Pass vendor, service, model, agent or total.';
  end if;
  if cost_breakdown.group_by not in ('vendor', 'service', 'model', 'agent', 'total') then
    raise exception using
      errcode = '22023', message = 'group_by: must be vendor, service, model, agent or total',
      hint = 'Pass vendor, service, model, agent or total.';
  end if;
  if cost_breakdown.from_date is null then
    raise exception using errcode = '22004', message = 'from_date: must not be null',
      hint = 'Pass the first local date, such as 2026-11-01.';
  end if;
  if cost_breakdown.to_date is null then
    raise exception using errcode = '22004', message = 'to_date: must not be null',
      hint = 'Pass the last local date (included), such as 2026-11-30.';
  end if;
  if not isfinite(cost_breakdown.from_date) or cost_breakdown.from_date < date '1900-01-01' then
    raise exception using errcode = '22023', message = 'from_date: must be 1900-01-01 or later',
      hint = 'Pass a calendar date such as 2026-11-01.';
  end if;
  if not isfinite(cost_breakdown.to_date) or cost_breakdown.to_date > date '9999-12-31' then
    raise exception using errcode = '22023', message = 'to_date: must be 9999-12-31 or earlier',
      hint = 'Pass a calendar date such as 2026-11-30.';
  end if;
  if cost_breakdown.to_date < cost_breakdown.from_date then
    raise exception using errcode = '22023', message = 'to_date: must not be before from_date',
      hint = 'from_date and to_date are both included.';
  end if;
  if cost_breakdown.to_date - cost_breakdown.from_date > 3660 then
    raise exception using errcode = '22023', message = 'to_date: at most 3661 days after from_date',
      hint = 'Ask for ten years or less at a time.';
  end if;

  -- Whole periods: the first and the last are widened to their calendar bounds.
  first_day := case cost_breakdown.period
    when 'day' then cost_breakdown.from_date
    else date_trunc(cost_breakdown.period, cost_breakdown.from_date::timestamp)::date
  end;
  last_day := case cost_breakdown.period
    when 'day' then cost_breakdown.to_date
    else (
      date_trunc(cost_breakdown.period, cost_breakdown.to_date::timestamp)
      + ('1 ' || cost_breakdown.period)::interval - interval '1 day'
    )::date
  end;

  -- The instants the ledger is read between: those of the stale days only (every day of
  -- the range when a mark has no instants; none when no day is stale), a day wider each
  -- side (a local day lies within 16 hours of the UTC one). Computed first, so the read
  -- below is planned with them (a short range of the user's (user_id, started_at) index,
  -- not everyone's calls of the range). A stable function: both statements see the same
  -- snapshot.
  with zone as (
    select coalesce(
      (select s.time_zone from public.user_settings as s where s.user_id = who), 'UTC'
    ) as name
  ),

  marks as (
    select m.from_at, m.to_at from private.usage_rollup_marks as m where m.user_id = who
  ),

  -- A mark without instants (a change of time zone): every day is stale.
  everything_stale as (
    select exists (select from marks as m where m.from_at is null) as yes
  ),

  stale_days as (
    select distinct g.day::date as day
    from marks as m
    cross join zone as z
    cross join lateral generate_series(
      (m.from_at at time zone z.name)::date::timestamp,
      (m.to_at at time zone z.name)::date::timestamp,
      interval '1 day'
    ) as g (day)
    where m.from_at is not null
  )

  select
    case
      when x.yes then (first_day::timestamp - interval '16 hours') at time zone 'UTC'
      when y.first_stale is not null
        then (greatest(first_day, y.first_stale)::timestamp - interval '16 hours')
        at time zone 'UTC'
    end,
    case
      when x.yes then ((last_day + 1)::timestamp + interval '16 hours') at time zone 'UTC'
      when y.last_stale is not null
        then ((least(last_day, y.last_stale) + 1)::timestamp + interval '16 hours')
        at time zone 'UTC'
    end
  into ledger_from, ledger_until
  from everything_stale as x
  cross join (
    select min(d.day) as first_stale, max(d.day) as last_stale from stale_days as d
  ) as y;

  return query
  with zone as (
    select coalesce(
      (select s.time_zone from public.user_settings as s where s.user_id = who), 'UTC'
    ) as name
  ),

  marks as (
    select m.from_at, m.to_at from private.usage_rollup_marks as m where m.user_id = who
  ),

  -- A mark without instants (a change of time zone): every day is stale.
  everything_stale as (
    select exists (select from marks as m where m.from_at is null) as yes
  ),

  stale_days as (
    select distinct g.day::date as day
    from marks as m
    cross join zone as z
    cross join lateral generate_series(
      (m.from_at at time zone z.name)::date::timestamp,
      (m.to_at at time zone z.name)::date::timestamp,
      interval '1 day'
    ) as g (day)
    where m.from_at is not null
  ),

  ledger as (
    select
      (e.started_at at time zone z.name)::date as day,
      e.agent_id,
      e.vendor_id,
      e.service_id,
      e.model_name,
      e.model_call_id,
      e.cost,
      e.status,
      e.input_tokens,
      e.cached_input_tokens,
      e.cache_write_tokens,
      e.output_tokens,
      e.reasoning_tokens
    from private.usage_events as e
    cross join zone as z
    where
      e.user_id = who
      and e.started_at >= ledger_from
      and e.started_at < ledger_until
  ),

  days as (
    -- Fresh days: the rollups.
    select
      b.day, b.agent_id, b.vendor_id, b.service_id, b.model_name, b.calls, b.unpriced_calls,
      b.failed_calls, b.input_tokens, b.cached_input_tokens, b.cache_write_tokens,
      b.output_tokens, b.reasoning_tokens, b.cost
    from private.usage_breakdown_daily as b
    where
      b.user_id = who
      and b.day between first_day and last_day
      and not (select s.yes from everything_stale as s)
      and b.day not in (select d.day from stale_days as d)
    union all
    -- Stale days: the ledger, as it is now.
    select
      l.day,
      l.agent_id,
      l.vendor_id,
      l.service_id,
      l.model_name,
      (l.model_call_id is not null)::integer::bigint,
      (l.model_call_id is not null and l.cost is null)::integer::bigint,
      (l.model_call_id is not null and l.status = 'failed')::integer::bigint,
      l.input_tokens,
      l.cached_input_tokens,
      l.cache_write_tokens,
      l.output_tokens,
      l.reasoning_tokens,
      coalesce(l.cost, 0)
    from ledger as l
    where
      l.day between first_day and last_day
      and (
        (select s.yes from everything_stale as s)
        or l.day in (select d.day from stale_days as d)
      )
  ),

  periods as (
    select
      case cost_breakdown.period
        when 'day' then d.day
        else date_trunc(cost_breakdown.period, d.day::timestamp)::date
      end as period_start,
      case cost_breakdown.group_by
        when 'vendor' then d.vendor_id
        when 'service' then d.service_id
        when 'model' then d.model_name
        when 'agent' then d.agent_id::text
      end as group_key,
      d.calls,
      d.unpriced_calls,
      d.failed_calls,
      d.input_tokens,
      d.cached_input_tokens,
      d.cache_write_tokens,
      d.output_tokens,
      d.reasoning_tokens,
      d.cost
    from days as d
  )

  select
    p.period_start,
    case cost_breakdown.period
      when 'day' then p.period_start
      else (
        p.period_start::timestamp + ('1 ' || cost_breakdown.period)::interval - interval '1 day'
      )::date
    end,
    p.group_key,
    sum(p.calls)::bigint,
    sum(p.unpriced_calls)::bigint,
    sum(p.failed_calls)::bigint,
    sum(p.input_tokens)::bigint,
    sum(p.cached_input_tokens)::bigint,
    sum(p.cache_write_tokens)::bigint,
    sum(p.output_tokens)::bigint,
    sum(p.reasoning_tokens)::bigint,
    sum(p.cost)
  from periods as p
  group by p.period_start, p.group_key
  order by p.period_start, p.group_key nulls last;
end;
$$;
