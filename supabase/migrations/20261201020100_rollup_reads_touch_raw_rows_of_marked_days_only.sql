-- The dashboard reads of rollups read the raw history only for the days marked stale
-- (issue 12). Both read the rolled-up days and recompute the marked ones, but the raw read
-- was a range over the whole request (every interaction of the agent for agent_summary, the
-- whole month of the ledger for the cost breakdown) filtered afterwards to the marked days,
-- so with no day marked they still read everything: measured on the bench's medium data
-- with the rollups fresh (no mark), the busiest user's month by model took 48 ms
-- (1,978 rollup rows, then 15k calls and 6k interactions read and dropped) and
-- agent_summary 204 ms (37k interactions read for 135 agents).
-- - private.agent_interaction_totals reads ai_interactions per run of consecutive marked or
--   edge UTC dates (a range of the (agent_id, user_id, started_at) index each), every row
--   only when a mark has no instants (a change of time zone);
-- - private.cost_breakdown reads the ledger between the first and the last stale day of
--   the range (a day wider each side), nothing when no day is stale; the bounds are
--   computed by a first statement, so the read is planned with them (the user's index).
-- Signatures, results and the callers' checks are unchanged.

create or replace function private.agent_interaction_totals(
  agent_id uuid, since timestamptz, until timestamptz
)
returns table (
  interaction_count bigint,
  total_input_tokens bigint,
  total_output_tokens bigint,
  total_cost numeric,
  total_duration_minutes bigint,
  avg_satisfaction real,
  avg_usefulness real,
  first_used_at timestamptz,
  last_used_at timestamptz,
  active_days integer,
  interactions_by_type jsonb
)
language sql
stable
security definer
set search_path = ''
as $$
  with owner as (
    select a.user_id
    from public.ai_agents as a
    where
      a.id = agent_interaction_totals.agent_id
      and (
        pg_catalog.pg_has_role(
          coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
        )
        or (a.user_id = (select auth.uid()) and not (select private.is_anonymous()))
      )
  ),

  marks as (
    select m.from_at, m.to_at
    from private.usage_rollup_marks as m
    where m.user_id in (select o.user_id from owner as o)
  ),

  everything_stale as (
    select exists (select from marks as m where m.from_at is null) as yes
  ),

  stale_days as (
    select distinct g.day::date as day
    from marks as m
    cross join lateral generate_series(
      (m.from_at at time zone 'UTC')::date::timestamp,
      (m.to_at at time zone 'UTC')::date::timestamp,
      interval '1 day'
    ) as g (day)
    where m.from_at is not null
  ),

  -- The UTC dates only partly inside the range are read from the raw rows.
  bounds as (
    select
      agent_interaction_totals.since as since,
      agent_interaction_totals.until as until,
      (agent_interaction_totals.since at time zone 'UTC')::date as first_day,
      (agent_interaction_totals.until at time zone 'UTC')::date as last_day
  ),

  edges as (
    select b.first_day as day from bounds as b where b.first_day is not null
    union
    select b.last_day from bounds as b where b.last_day is not null
  ),

  rolled as (
    select
      d.day, d.interactions, d.input_tokens, d.output_tokens, d.total_cost,
      d.duration_minutes, d.satisfaction_sum, d.satisfaction_count, d.usefulness_sum,
      d.usefulness_count, d.first_started_at, d.last_started_at, d.by_type
    from private.agent_interactions_daily as d
    where
      d.user_id in (select o.user_id from owner as o)
      and d.agent_id = agent_interaction_totals.agent_id
      and d.day > coalesce((select b.first_day from bounds as b), '-infinity')
      and d.day < coalesce((select b.last_day from bounds as b), 'infinity')
      and not (select s.yes from everything_stale as s)
      and d.day not in (select x.day from stale_days as x)
  ),

  -- The raw rows: every row of the agent when a mark has no instants; else only the rows of
  -- the marked and edge dates, each date one range of the (agent_id, user_id, started_at)
  -- index (none at all when no date is marked and the range is unbounded).
  raw_days as (
    select x.day from stale_days as x
    union
    select e.day from edges as e
  ),

  -- Consecutive dates as one range (a backlog of marks is one read, not one per date).
  raw_ranges as (
    select min(g.day) as first_day, max(g.day) as last_day
    from (
      select d.day, d.day - (row_number() over (order by d.day))::integer as island
      from raw_days as d
    ) as g
    group by g.island
  ),

  raw_rows as (
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from public.ai_interactions as i
    where
      (select s.yes from everything_stale as s)
      and i.user_id in (select o.user_id from owner as o)
      and i.agent_id = agent_interaction_totals.agent_id
    union all
    select
      i.started_at, i.input_tokens, i.output_tokens, i.total_cost, i.duration_minutes,
      i.satisfaction_rating, i.usefulness_rating, i.interaction_type_id
    from raw_ranges as r
    cross join lateral (
      select
        j.started_at, j.input_tokens, j.output_tokens, j.total_cost, j.duration_minutes,
        j.satisfaction_rating, j.usefulness_rating, j.interaction_type_id
      from public.ai_interactions as j
      where
        j.user_id in (select o.user_id from owner as o)
        and j.agent_id = agent_interaction_totals.agent_id
        and j.started_at >= r.first_day::timestamp at time zone 'UTC'
        and j.started_at < (r.last_day + 1)::timestamp at time zone 'UTC'
    ) as i
    where not (select s.yes from everything_stale as s)
  ),

  raw as (
    select
      (i.started_at at time zone 'UTC')::date as day,
      1::bigint as interactions,
      i.input_tokens::bigint as input_tokens,
      i.output_tokens::bigint as output_tokens,
      coalesce(i.total_cost, 0)::numeric as total_cost,
      coalesce(i.duration_minutes, 0)::bigint as duration_minutes,
      coalesce(i.satisfaction_rating, 0)::bigint as satisfaction_sum,
      (i.satisfaction_rating is not null)::integer::bigint as satisfaction_count,
      coalesce(i.usefulness_rating, 0)::bigint as usefulness_sum,
      (i.usefulness_rating is not null)::integer::bigint as usefulness_count,
      i.started_at as first_started_at,
      i.started_at as last_started_at,
      case
        when i.interaction_type_id is null then '{}'::jsonb
        else jsonb_build_object(i.interaction_type_id, 1)
      end as by_type
    from raw_rows as i
    where
      i.started_at > coalesce((select b.since from bounds as b), '-infinity')
      and i.started_at <= coalesce((select b.until from bounds as b), 'infinity')
  ),

  days as (
    select * from rolled
    union all
    select * from raw
  )

  select
    coalesce(sum(d.interactions), 0)::bigint,
    coalesce(sum(d.input_tokens), 0)::bigint,
    coalesce(sum(d.output_tokens), 0)::bigint,
    coalesce(sum(d.total_cost), 0)::numeric(38, 8)::numeric,
    coalesce(sum(d.duration_minutes), 0)::bigint,
    (sum(d.satisfaction_sum)::numeric / nullif(sum(d.satisfaction_count), 0))::real,
    (sum(d.usefulness_sum)::numeric / nullif(sum(d.usefulness_count), 0))::real,
    min(d.first_started_at),
    max(d.last_started_at),
    count(distinct d.day)::integer,
    coalesce(
      (
        select jsonb_object_agg(t.key, t.n)
        from (
          select b.key, sum(b.value::bigint) as n
          from days as x
          cross join lateral jsonb_each_text(x.by_type) as b (key, value)
          group by b.key
        ) as t
      ),
      '{}'
    )
  from days as d
$$;
comment on function private.agent_interaction_totals(uuid, timestamptz, timestamptz) is
'An agent''s live interactions started after since and at or before until (null: unbounded): count, tokens, cost, duration, average ratings, first and last start, distinct UTC dates, counts by type; exact, from private.agent_interactions_daily for the UTC dates wholly inside the range that no mark names, and from ai_interactions for the others. The agent''s owner (not an anonymous sign-in) or service_role; anyone else gets the totals of nothing. The body of get_agent_usage_summary and agent_summary''s usage columns.';
comment on function private.agent_interaction_totals(uuid, timestamptz, timestamptz) is
'An agent''s live interactions started after since and at or before until (null: unbounded): count, tokens, cost, duration, average ratings, first and last start, distinct UTC dates, counts by type; exact, from private.agent_interactions_daily for the UTC dates wholly inside the range that no mark names, and from ai_interactions for the others. The agent''s owner (not an anonymous sign-in) or service_role; anyone else gets the totals of nothing. The body of get_agent_usage_summary and agent_summary''s usage columns.';

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
comment on function private.cost_breakdown(text, text, date, date, uuid) is
'The body of public.get_cost_breakdown (security definer: it reads the private rollups and ledger, for the caller only).';
