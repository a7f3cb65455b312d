-- Rollback of 20261130120000_shared_jobs_survive_any_tenant: the previous definitions.
drop view public.agent_summary;
create view public.agent_summary
with (security_invoker = true)
as
select
  a.id,
  a.name,
  a.description,
  a.vendor_id,
  v.name as vendor_name,
  a.service_id,
  s.display_name as service_display_name,
  a.model_name,
  a.tags,
  f.features,
  f.primary_feature,
  a.is_active,
  a.is_favorite,
  a.is_public,
  a.activity_score,
  a.usage_count,
  a.last_used_at,
  u.interaction_count,
  u.total_input_tokens,
  u.total_output_tokens,
  u.total_cost,
  u.last_interaction_at,
  u.avg_satisfaction,
  u.avg_usefulness,
  a.user_id,
  a.created_at,
  a.updated_at
from public.ai_agents as a
left join public.vendors as v on a.vendor_id = v.id
left join public.vendor_services as s on a.service_id = s.id
left join lateral (
  select
    coalesce(
      array_agg(m.feature_id order by m.is_primary desc, af.sort_order asc, m.feature_id asc), '{}'
    ) as features,
    min(m.feature_id) filter (where m.is_primary) as primary_feature
  from public.agent_feature_mappings as m
  left join public.agent_features as af on m.feature_id = af.id
  where m.agent_id = a.id
) as f on true
left join lateral (
  select
    coalesce(sum(i.input_tokens), 0)::bigint as total_input_tokens,
    coalesce(sum(i.output_tokens), 0)::bigint as total_output_tokens,
    coalesce(sum(i.total_cost), 0)::numeric(18, 8) as total_cost,
    avg(i.satisfaction_rating)::real as avg_satisfaction,
    avg(i.usefulness_rating)::real as avg_usefulness,
    count(*) as interaction_count,
    max(i.started_at) as last_interaction_at
  from public.ai_interactions as i
  where i.agent_id = a.id and i.user_id = a.user_id
) as u on true;

comment on view public.agent_summary is
'Each agent visible to the caller with vendor name, service display name, features (primary first, then by the feature''s sort order) and usage totals over all its interactions (every status). RLS applies (security_invoker): other users'' public agents appear without features or usage.';
comment on column public.agent_summary.features is 'Feature ids, the primary one first.';
comment on column public.agent_summary.primary_feature is 'The primary feature id, or null.';
comment on column public.agent_summary.total_cost is 'Exact sum of the interactions'' total_cost (unpriced count 0).';
comment on column public.agent_summary.last_interaction_at is 'Newest started_at among the interactions the caller can see.';

revoke all on public.agent_summary from anon, authenticated, service_role;
grant select on public.agent_summary to authenticated, service_role;

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
  day_start timestamptz;
  day_end timestamptz;
  written integer;
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

  day_start := target_date::timestamp at time zone 'UTC';
  day_end := (target_date + 1)::timestamp at time zone 'UTC';

  with day_rows as (
    select
      i.user_id,
      i.agent_id,
      a.vendor_id,
      i.duration_minutes,
      i.input_tokens,
      i.output_tokens,
      coalesce(i.total_cost, 0) as cost,
      i.satisfaction_rating,
      i.usefulness_rating
    from public.ai_interactions as i
    inner join public.ai_agents as a on a.id = i.agent_id and a.user_id = i.user_id
    where i.started_at >= day_start and i.started_at < day_end
  ),

  totals as (
    select
      d.user_id,
      count(*)::integer as total_interactions,
      count(distinct d.agent_id)::integer as unique_agents_used,
      coalesce(sum(d.duration_minutes), 0)::bigint as total_duration_minutes,
      sum(d.cost)::numeric(18, 8) as total_cost,
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
        sum(d.cost)::numeric(18, 8) as cost,
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
comment on function public.update_daily_usage_stats(date) is
'Recomputes ai_usage_stats for target_date (default: yesterday, UTC) from the raw interactions started that UTC day, for every user: upserts a row per user with interactions and deletes the rows of users with none, so the table always equals a recomputation. Idempotent: a second run changes nothing. Every status counts, deleted included (the usage and its cost happened); features and vendors are the agents'' current ones. Returns the number of rows inserted, updated or deleted. Days are UTC for now; per-user time zones come with a later change. service_role (and pg_cron) only.';

create or replace function private.compute_activity_score(agent_id uuid, owner_id uuid)
returns real
language sql
stable
security invoker
set search_path = ''
as $$
  -- Each interaction of the last 90 days weighs exp(-age / 14 days) (1 today, 0.5 after
  -- about 10 days; future starts count as today); the score is 1 - exp(-sum / 5).
  select (1 - exp(-coalesce(sum(exp(
    -greatest(extract(epoch from now() - i.started_at), 0)::double precision / 1209600
  )), 0) / 5))::real
  from public.ai_interactions as i
  where
    i.agent_id = compute_activity_score.agent_id
    and i.user_id = compute_activity_score.owner_id
    and i.started_at >= now() - interval '90 days'
$$;

create or replace function private.refresh_activity_scores()
returns integer
language sql
volatile
security invoker
set search_path = ''
as $$
  with fresh as (
    -- Lock in id order, as the usage triggers do, so the two never deadlock.
    select a.id, private.compute_activity_score(a.id, a.user_id) as score
    from public.ai_agents as a
    where a.activity_score > 0 or a.last_used_at >= now() - interval '90 days'
    order by a.id
    for no key update
  ),

  changed as (
    update public.ai_agents as a
    set activity_score = f.score
    from fresh as f
    where a.id = f.id and a.activity_score is distinct from f.score
    returning 1
  )

  select count(*)::integer from changed
$$;
comment on function private.refresh_activity_scores() is
'Recomputes ai_agents.activity_score (private.compute_activity_score) of every agent used in the last 90 days or still scored above 0, writing only the scores that changed; returns how many. Run daily by pg_cron where installed.';

drop function private.refresh_daily_usage_stats_of(date, uuid);
drop function private.record_job_failure(text, uuid, text, text, text);
drop table private.job_failures;
alter table public.ai_interactions drop constraint ai_interactions_started_at_not_future;
alter table public.ai_usage_stats alter column total_cost type numeric(18, 8);
comment on column public.ai_usage_stats.total_cost is
'Sum of total_cost (unpriced interactions count 0), exact. Seed 002 says DECIMAL(10,4); numeric(18,8) keeps the interactions'' 8 decimals and room for large totals.';
