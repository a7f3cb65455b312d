-- Give the migration role back the global default privileges it had before agentsdb.
-- 20261123120000_create_private_schema revoked EXECUTE from PUBLIC in that role's GLOBAL
-- default privileges, so every function the role created afterwards, in any schema, was closed
-- to PUBLIC: the app's own functions and those of extensions it created later. agentsdb needs
-- no default: each of its functions revokes and grants explicitly right after it is created
-- (supabase/tests/database/00_structure.sql proves it function by function).
--
-- Only the entry that migration created is touched. Object ids come from one counter, so an
-- entry made by that migration is newer than the schema private it created first; an entry the
-- app had before agentsdb is older, and stays exactly as it is (with or without PUBLIC).
-- Granting EXECUTE to PUBLIC again makes PostgreSQL drop the entry once it equals the built-in
-- default, which is the state before agentsdb in the common case.
do $migration$
begin
  if exists (
    select from pg_catalog.pg_default_acl as d
    where
      d.defaclrole = (select r.oid from pg_catalog.pg_roles as r where r.rolname = current_user)
      and d.defaclnamespace = 0
      and d.defaclobjtype = 'f'
      and d.oid > 'private'::regnamespace::oid
  ) then
    alter default privileges grant execute on functions to public;
  end if;
end
$migration$;
