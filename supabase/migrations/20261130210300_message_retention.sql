-- Content retention of messages (issue 13): each user may choose how many days their
-- messages keep their content (user_settings.message_retention_days; none: forever). A daily
-- job purges what is older, as purge_message_content does on demand: the text and metadata
-- go, the numbers (tokens, the model call, positions, times) and the usage ledger stay.

alter table public.user_settings add column message_retention_days integer;
-- squawk-ignore constraint-missing-not-valid
alter table public.user_settings add constraint user_settings_message_retention_days_range
check (message_retention_days between 1 and 36500);
comment on column public.user_settings.message_retention_days is
'Days the content of this user''s interaction_messages is kept (1 to 36500); null (the default) keeps it. The daily job agentsdb-daily-message-purge removes the content and metadata of older messages and keeps their numbers.';

grant select (message_retention_days) on public.user_settings to authenticated;
grant insert (message_retention_days), update (message_retention_days)
on public.user_settings to authenticated, service_role;

create function private.purge_expired_message_content()
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  purged integer;
begin
  update public.interaction_messages as m
  set content = null, metadata = '{}', content_purged_at = now()
  from public.user_settings as s
  where
    s.user_id = m.user_id
    and s.message_retention_days is not null
    and m.content_purged_at is null
    and m.created_at <= now() - make_interval(days => s.message_retention_days);
  get diagnostics purged = row_count;
  return purged;
end;
$$;
comment on function private.purge_expired_message_content() is
'Purges the content and metadata of every message older than its owner''s user_settings.message_retention_days (users without a retention keep theirs) and returns how many. Run daily by pg_cron (agentsdb-daily-message-purge) where installed; not exposed.';
revoke execute on function private.purge_expired_message_content()
from public, anon, authenticated, service_role;

create or replace function private.job_definitions()
returns table (job_name text, schedule text, command text)
language sql
immutable
security invoker
set search_path = ''
as $$
  values
    (
      'agentsdb-daily-usage-stats', '15 0 * * *',
      'select public.update_daily_usage_stats((now() at time zone ''UTC'')::date - 2), public.update_daily_usage_stats()'
    ),
    ('agentsdb-daily-activity-scores', '20 0 * * *', 'select private.refresh_activity_scores()'),
    ('agentsdb-daily-audit-purge', '30 0 * * *', 'select private.purge_audit_logs()'),
    (
      'agentsdb-daily-message-purge', '40 0 * * *',
      'select private.purge_expired_message_content()'
    )
$$;

do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(d.job_name, d.schedule, d.command)
    from private.job_definitions() as d
    where d.job_name = 'agentsdb-daily-message-purge';
  end if;
end
$migration$;
