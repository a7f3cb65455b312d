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
  -- On the platform `postgres` owns the application schema and is NOT a superuser.
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres login createrole createdb replication bypassrls password 'postgres';
    grant anon, authenticated, service_role to postgres with admin option;
    alter role postgres set search_path = "$user", public, extensions;
  end if;
end
$platform$;
