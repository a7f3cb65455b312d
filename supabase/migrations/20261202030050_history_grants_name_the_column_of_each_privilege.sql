-- private.history_grants (20261201030000) wrote a column's privileges as one GRANT with the
-- column after the last of them: `grant INSERT, SELECT (x) on table t to r`, which grants
-- INSERT on the whole table and SELECT on x only. Rebuilding ai_interactions (whose columns
-- carry SELECT and INSERT for the API roles) with it would have given authenticated and
-- service_role table-wide SELECT and INSERT. Each privilege now names the column:
-- `grant INSERT (x), SELECT (x) on table t to r`. The statements of table and function ACLs
-- are unchanged.
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
        'grant %s on %s %s to %s%s',
        string_agg(
          x.privilege_type
          || case when column_name is not null then format(' (%I)', column_name) else '' end,
          ', ' order by x.n
        ),
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
