-- Rollback of 20261202030100_partition_ai_interactions_by_month.sql: ai_interactions back to a
-- plain table (every row, its keys as they were before), the policies of other tables that
-- read it created again as they were, and drop_history_before's former body.
create temporary table history_foreign_policies (
  name text not null,
  on_table text not null,
  definition text not null,
  description text
) on commit drop;

do $migration$
declare
  found_policy record;
begin
  for found_policy in
    select distinct
      p.oid, p.polname, n.nspname::text as on_schema, c.relname::text as on_relation,
      format('%I.%I', n.nspname, c.relname) as on_table
    from pg_catalog.pg_depend as d
    inner join pg_catalog.pg_policy as p on d.classid = 'pg_catalog.pg_policy'::regclass and d.objid = p.oid
    inner join pg_catalog.pg_class as c on p.polrelid = c.oid
    inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
    where d.refobjid = 'public.ai_interactions'::regclass and p.polrelid <> 'public.ai_interactions'::regclass
  loop
    insert into history_foreign_policies (name, on_table, definition, description)
    select
      pp.policyname,
      found_policy.on_table,
      format(
        'create policy %I on %s as %s for %s to %s%s%s',
        pp.policyname, found_policy.on_table, pp.permissive, pp.cmd,
        (select string_agg(quote_ident(r), ', ') from unnest(pp.roles) as r),
        case when pp.qual is not null then format(' using (%s)', pp.qual) else '' end,
        case when pp.with_check is not null then format(' with check (%s)', pp.with_check) else '' end
      ),
      pg_catalog.obj_description(found_policy.oid, 'pg_policy')
    from pg_catalog.pg_policies as pp
    where
      pp.schemaname = found_policy.on_schema
      and pp.tablename = found_policy.on_relation
      and pp.policyname = found_policy.polname;
    if not found then
      raise exception using
        errcode = 'XX000', message = format('policy %s on %s: not read back', found_policy.polname, found_policy.on_table);
    end if;
    execute format('drop policy %I on %s', found_policy.polname, found_policy.on_table);
  end loop;
end
$migration$;

-- A check constraint still NOT VALID (ai_interactions_started_at_not_future: rows from before
-- it were never checked) stays NOT VALID: the rebuild validates every constraint it builds.
create temporary table history_unvalidated_checks on commit drop as
select
  con.conname::text as check_name,
  regexp_replace(pg_catalog.pg_get_constraintdef(con.oid), ' NOT VALID$', '') as definition,
  pg_catalog.obj_description(con.oid, 'pg_constraint') as description
from pg_catalog.pg_constraint as con
where con.conrelid = 'public.ai_interactions'::regclass and con.contype = 'c' and not con.convalidated;

select private.rebuild_history_table('public.ai_interactions', false);

do $migration$
declare
  saved record;
begin
  for saved in select h.* from history_unvalidated_checks as h order by h.check_name loop
    execute format('alter table public.ai_interactions drop constraint %I', saved.check_name);
    execute format(
      'alter table public.ai_interactions add constraint %I %s not valid', saved.check_name, saved.definition
    );
    if saved.description is not null then
      execute format(
        'comment on constraint %I on public.ai_interactions is %L', saved.check_name, saved.description
      );
    end if;
  end loop;
end
$migration$;

do $migration$
declare
  saved record;
  path text := current_setting('search_path');
begin
  for saved in select h.* from history_foreign_policies as h order by h.on_table, h.name loop
    execute saved.definition;
    if saved.description is not null then
      execute format('comment on policy %I on %s is %L', saved.name, saved.on_table, saved.description);
    end if;
  end loop;
  perform set_config('search_path', '', true);
  for saved in
    select s.definition
    from private.history_rebuild_saved as s
    where s.table_name = 'public.ai_interactions' and s.kind = 'function'
    order by s.name
  loop
    execute saved.definition;
  end loop;
  perform set_config('search_path', path, true);
end
$migration$;

delete from private.history_rebuild_saved as s
where s.table_name = 'public.ai_interactions';
comment on function private.drop_history_before(regclass, date) is
'Retention: detaches and drops every partition of history wholly before the month of before (UTC; at most the current month), and the idempotency keys of the calls dropped; never a DELETE of history rows, and no rollup, ledger total or budget counter changes (they live in their own tables). Returns the partitions dropped.';
