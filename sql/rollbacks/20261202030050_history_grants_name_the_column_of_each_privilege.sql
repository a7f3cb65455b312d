-- Rollback of 20261202030050_history_grants_name_the_column_of_each_privilege.sql: the body of
-- 20261201030000 again (the column named once, after the last privilege).
create or replace function private.history_grants(
  object_kind text, target text, acl aclitem [], owner oid, column_name text default null
)
returns text []
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(array_agg(g.statement order by g.first), '{}')
  from (
    select
      min(x.n) as first,
      format(
        'grant %s%s on %s %s to %s%s',
        string_agg(x.privilege_type, ', ' order by x.n),
        case when column_name is not null then format(' (%I)', column_name) else '' end,
        object_kind,
        target,
        case when x.grantee = 0 then 'public' else x.grantee::regrole::text end,
        case when x.is_grantable then ' with grant option' else '' end
      ) as statement
    from pg_catalog.aclexplode(acl) with ordinality as x (grantor, grantee, privilege_type, is_grantable, n)
    where x.grantee <> owner
    group by x.grantee, x.is_grantable
  ) as g
$$;
