-- The migration revoked EXECUTE on functions from PUBLIC in the migration role's global
-- default privileges. Give it back only where that entry is the migration's own: newer than
-- the schema private it created first (object ids come from one counter) and granting nothing
-- to anyone but the role itself. An entry the app had before agentsdb, which the revoke left
-- as it was, is not agentsdb's to change.
do $rollback$
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
$rollback$;
drop function private.set_updated_at();
drop schema private;
