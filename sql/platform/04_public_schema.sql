-- The database and its public schema as Supabase sets them up: postgres may create schemas;
-- public is owned by postgres and used by the API roles, and
-- the permissive default privileges many projects still have (everything on new tables,
-- functions and sequences to anon, authenticated and service_role). Migrations therefore
-- revoke and grant explicitly, and are tested under this, the least safe default.
do $platform$
begin
  execute format('grant all on database %I to postgres', current_database());
  if (select nspowner::regrole::text from pg_namespace where nspname = 'public') <> 'postgres' then
    alter schema public owner to postgres;
  end if;
end
$platform$;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on sequences to anon, authenticated, service_role;
