-- The `extensions` schema with the extensions agentsdb relies on, as on Supabase.
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

-- pg_cron only where the server preloads it (shared_preload_libraries), in pg_catalog as
-- Supabase installs it (its objects live in schema cron either way).
do $platform$
begin
  if current_database() = current_setting('cron.database_name', true)
    and not exists (select from pg_extension where extname = 'pg_cron') then
    create extension pg_cron with schema pg_catalog;
    grant usage on schema cron to postgres;
    grant all on all tables in schema cron to postgres;
  end if;
end
$platform$;
