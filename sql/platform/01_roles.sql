-- The roles Supabase provides (supabase/postgres init-scripts), created only where missing.
-- Run as a superuser (locally: supabase_admin). Idempotent: on a real Supabase project,
-- where every role exists, it changes nothing.
do $platform$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
    alter role anon set statement_timeout = '3s';
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
    alter role authenticated set statement_timeout = '8s';
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
    grant anon, authenticated, service_role to authenticator;
  end if;
  -- Supabase's own settings of the login PostgREST uses (supabase/postgres migrations
  -- set_authenticator_timeout and lock_timeout): every API request inherits them, so a
  -- service_role request is cut at 8 s too. Set on every run, so an older local cluster gets
  -- them; on Supabase they are already these values. (Its third setting,
  -- session_preload_libraries = 'safeupdate', needs the pg-safeupdate module, which Debian
  -- does not package: tests/test_lint.py refuses what it would refuse.)
  alter role authenticator set statement_timeout = '8s';
  alter role authenticator set lock_timeout = '8s';
  -- On the platform `postgres` owns the application schema and is NOT a superuser.
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres login createrole createdb replication bypassrls password 'postgres';
    grant anon, authenticated, service_role to postgres with admin option;
    alter role postgres set search_path = "$user", public, extensions;
  end if;
end
$platform$;
