-- Activity scores decay with time, not only when someone asks: refresh every agent whose
-- score can change once a day. Server-side only, so the function lives in private (not
-- exposed, executable by no API role); pg_cron runs it as the owner where installed.
create function private.refresh_activity_scores()
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
revoke execute on function private.refresh_activity_scores()
from public, anon, authenticated, service_role;

do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'agentsdb-daily-activity-scores', '20 0 * * *', 'select private.refresh_activity_scores()'
    );
  end if;
end
$migration$;
