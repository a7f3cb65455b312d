-- Back to the state 20261123120000_create_private_schema left: EXECUTE on functions revoked
-- from PUBLIC in the migration role's global default privileges, where the migration gave it
-- back (PUBLIC has it now). An entry of the app's own that closes functions to PUBLIC was left
-- alone by the migration and is left alone here.
do $rollback$
begin
  if not exists (
    select from pg_catalog.pg_default_acl as d
    where
      d.defaclrole = (select r.oid from pg_catalog.pg_roles as r where r.rolname = current_user)
      and d.defaclnamespace = 0
      and d.defaclobjtype = 'f'
      and not exists (select from pg_catalog.aclexplode(d.defaclacl) as a where a.grantee = 0)
  ) then
    alter default privileges revoke execute on functions from public;
  end if;
end
$rollback$;
