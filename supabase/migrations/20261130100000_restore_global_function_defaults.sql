-- Give the migration role back the global default privileges it had before agentsdb.
-- 20261123120000_create_private_schema revoked EXECUTE from PUBLIC in that role's GLOBAL
-- default privileges, so every function the role created afterwards, in any schema, was closed
-- to PUBLIC: the app's own functions and those of extensions it created later. agentsdb needs
-- no default: each of its functions revokes and grants explicitly right after it is created
-- (tests/test_good_citizen.py compares every ACL with its declaration).
--
-- Only the entry that migration made is touched: newer than the schema private it created
-- first (object ids come from one counter) and granting nothing to anyone but the role itself,
-- as that migration left it. An entry the app had before agentsdb is older, or (after a dump
-- and restore renumbered it) names the app's own grantees; either way it stays exactly as it
-- is. Granting EXECUTE to PUBLIC again makes PostgreSQL drop the entry once it equals the
-- built-in default: the state before agentsdb.
do $migration$
begin
  if exists (
    select from pg_catalog.pg_default_acl as d
    where
      d.defaclrole = (select r.oid from pg_catalog.pg_roles as r where r.rolname = current_user)
      and d.defaclnamespace = 0
      and d.defaclobjtype = 'f'
      and d.oid > 'private'::regnamespace::oid
      and not exists (
        select from pg_catalog.aclexplode(d.defaclacl) as a where a.grantee <> d.defaclrole
      )
  ) then
    alter default privileges grant execute on functions to public;
  end if;
end
$migration$;
