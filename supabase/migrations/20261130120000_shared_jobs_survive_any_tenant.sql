-- No value a client may write can make a shared job, a service_role read or another user's
-- read fail (issue 9, point 1):
-- - sums never overflow their type: daily and per-agent cost totals are numeric(38, 8), 30
--   integer digits, which no sum of interactions (each below 10^8) can fill;
-- - started_at may be at most one day in the future;
-- - the activity score saturates instead of underflowing;
-- - the two batch jobs isolate a tenant whose rows fail: they retry one user (or one agent)
--   at a time, record each failure in private.job_failures, raise a WARNING, and finish
--   the rest.

-- squawk-ignore changing-column-type
alter table public.ai_usage_stats alter column total_cost type numeric(38, 8);
comment on column public.ai_usage_stats.total_cost is
'Sum of total_cost (unpriced interactions count 0), exact. Seed 002 says DECIMAL(10,4); numeric(38,8) keeps the interactions'' 8 decimals, and its 30 integer digits hold the sum of any number of interactions (each is below 10^8), so no tenant can make the refresh overflow.';

-- A day of headroom covers clock skew and a local time sent as UTC (at most 14 hours off);
-- anything later is not a recorded interaction. NOT VALID: rows already stored are judged
-- when they are next updated (the bound only loosens as time passes).
alter table public.ai_interactions add constraint ai_interactions_started_at_not_future check (
  started_at <= now() + interval '1 day'
) not valid;
comment on constraint ai_interactions_started_at_not_future on public.ai_interactions is
'started_at may be at most one day ahead of the server clock (clock skew, time zones): a far-future start would count as "now" in every activity score and pre-fill future statistics.';

-- Failures of the batch jobs, one row per tenant (user or agent) a run had to skip.
create table private.job_failures (
  id uuid primary key default gen_random_uuid(),
  job text not null,
  occurred_at timestamptz not null default now(),
  user_id uuid,
  target text not null,
  sqlstate text not null,
  message text not null,
  constraint job_failures_job_not_blank check (job ~ '\S'),
  constraint job_failures_sqlstate_format check (sqlstate ~ '^[0-9A-Z]{5}$')
);
comment on table private.job_failures is
'What a batch job (update_daily_usage_stats, private.refresh_activity_scores) could not do for one tenant: the job skipped that user or agent, finished every other, raised a WARNING and left this row. Not exposed; read it as the database owner.';
comment on column private.job_failures.target is 'What was skipped: the statistics day, or the agent id.';
comment on column private.job_failures.user_id is 'The tenant whose rows failed.';
create index job_failures_occurred_at_idx on private.job_failures (occurred_at);
revoke all on private.job_failures from public, anon, authenticated, service_role;

create function private.record_job_failure(
  job text, user_id uuid, target text, state text, message text
)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  insert into private.job_failures (job, user_id, target, sqlstate, message)
  values (record_job_failure.job, record_job_failure.user_id, record_job_failure.target,
    record_job_failure.state, left(record_job_failure.message, 2000));
  raise warning using
    message = format('%s: skipped user %s (%s): [%s] %s', record_job_failure.job,
      record_job_failure.user_id, record_job_failure.target, record_job_failure.state,
      left(record_job_failure.message, 500)),
    hint = 'See private.job_failures; the other users were processed.';
end;
$$;
comment on function private.record_job_failure(text, uuid, text, text, text) is
'Records in private.job_failures that a batch job skipped one tenant, and raises a WARNING saying so.';
revoke execute on function private.record_job_failure(text, uuid, text, text, text)
from public, anon, authenticated, service_role;

-- The day's recomputation for every user (only_user null) or for one user.
create function private.refresh_daily_usage_stats_of(target_date date, only_user uuid)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  day_start timestamptz := target_date::timestamp at time zone 'UTC';
  day_end timestamptz := (target_date + 1)::timestamp at time zone 'UTC';
  written integer;
begin
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
    where
      i.started_at >= day_start and i.started_at < day_end
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
'The body of update_daily_usage_stats: recomputes ai_usage_stats of target_date for every user (only_user null) or for one user; returns the rows inserted, updated or deleted.';
revoke execute on function private.refresh_daily_usage_stats_of(date, uuid)
from public, anon, authenticated, service_role;

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
    select i.user_id from public.ai_interactions as i
    where
      i.started_at >= target_date::timestamp at time zone 'UTC'
      and i.started_at < (target_date + 1)::timestamp at time zone 'UTC'
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
'Recomputes ai_usage_stats for target_date (default: yesterday, UTC) from the raw interactions started that UTC day, for every user: upserts a row per user with interactions and deletes the rows of users with none, so the table always equals a recomputation. Idempotent: a second run changes nothing. Every status counts, deleted included (the usage and its cost happened); features and vendors are the agents'' current ones. A user whose rows make the recomputation fail is skipped (WARNING, and a row in private.job_failures); every other user is still refreshed. Returns the number of rows inserted, updated or deleted. Days are UTC for now; per-user time zones come with a later change. service_role (and pg_cron) only.';

create or replace function private.compute_activity_score(agent_id uuid, owner_id uuid)
returns real
language sql
stable
security invoker
set search_path = ''
as $$
  -- Each interaction of the last 90 days weighs exp(-age / 14 days) (1 today, 0.5 after
  -- about 10 days; future starts count as today); the score is 1 - exp(-sum / 5). The sum
  -- is capped at 500 (the score is then 1 to real precision long before): exp(-sum / 5)
  -- underflows past a sum of about 3700, which one busy day of an agent reaches.
  select (1 - exp(-least(coalesce(sum(exp(
    -greatest(extract(epoch from now() - i.started_at), 0)::double precision / 1209600
  )), 0), 500) / 5))::real
  from public.ai_interactions as i
  where
    i.agent_id = compute_activity_score.agent_id
    and i.user_id = compute_activity_score.owner_id
    and i.started_at >= now() - interval '90 days'
$$;

create or replace function private.refresh_activity_scores()
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  changed integer := 0;
  one integer;
  agent record;
  state text;
  detail text;
begin
  -- Every agent in one statement; should any agent's score fail, every agent again, one at
  -- a time in id order (the usage triggers' lock order), each in its own subtransaction.
  begin
    with fresh as (
      select a.id, private.compute_activity_score(a.id, a.user_id) as score
      from public.ai_agents as a
      where a.activity_score > 0 or a.last_used_at >= now() - interval '90 days'
      order by a.id
      for no key update
    ),

    updated as (
      update public.ai_agents as a
      set activity_score = f.score
      from fresh as f
      where a.id = f.id and a.activity_score is distinct from f.score
      returning 1
    )

    select count(*)::integer into changed from updated;
    return changed;
  exception when others then
    changed := 0;
  end;

  for agent in
    select a.id, a.user_id from public.ai_agents as a
    where a.activity_score > 0 or a.last_used_at >= now() - interval '90 days'
    order by a.id
  loop
    begin
      update public.ai_agents as a
      set activity_score = private.compute_activity_score(a.id, a.user_id)
      where
        a.id = agent.id
        and a.activity_score is distinct from private.compute_activity_score(a.id, a.user_id);
      get diagnostics one = row_count;
      changed := changed + one;
    exception when others then
      get stacked diagnostics state = returned_sqlstate, detail = message_text;
      perform private.record_job_failure(
        'refresh_activity_scores', agent.user_id, agent.id::text, state, detail
      );
    end;
  end loop;
  return changed;
end;
$$;
comment on function private.refresh_activity_scores() is
'Recomputes ai_agents.activity_score (private.compute_activity_score) of every agent used in the last 90 days or still scored above 0, writing only the scores that changed; returns how many. An agent whose score fails is skipped (WARNING, and a row in private.job_failures); the others are still refreshed. Run daily by pg_cron where installed.';

-- agent_summary: the cost total as wide as the daily one, so no tenant's costs make a
-- service_role read of every agent overflow. A column type cannot change in place.
-- squawk-ignore ban-drop-view
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
    coalesce(sum(i.total_cost), 0)::numeric(38, 8) as total_cost,
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
comment on column public.agent_summary.total_cost is
'Exact sum of the interactions'' total_cost (unpriced count 0); numeric(38,8), which no number of interactions can overflow.';
comment on column public.agent_summary.last_interaction_at is 'Newest started_at among the interactions the caller can see.';

revoke all on public.agent_summary from anon, authenticated, service_role;
grant select on public.agent_summary to authenticated, service_role;
