-- Partitioned history (issue 12): public.ai_interactions partitioned by month of started_at
-- (UTC), as model_calls was (20261201030100), invisibly to the API: same name, columns,
-- policies, grants, comments, triggers and views, read from the catalogs when this runs
-- (private.rebuild_history_table). The primary key becomes (id, started_at) and the unique
-- key (id, user_id) becomes (id, user_id, started_at) (PostgreSQL requires the partition key
-- in every unique key); ids stay unique (gen_random_uuid) and lookups by id alone probe each
-- month's primary key index.
--
-- Nothing references ai_interactions by foreign key any more (20261202030000); a policy of
-- another table that reads it (interaction_messages_insert_owner) would stop the old table
-- from being dropped, so such policies are saved, dropped and created again as they were.
--
-- An interaction whose started_at is moved to another month moves to that month's partition
-- (a delete and an insert inside the UPDATE): the statement triggers on the parent see one
-- UPDATE, as before; row triggers run BEFORE UPDATE on the old partition, then BEFORE INSERT
-- on the new one (tests/test_history_partitions.py moves one and checks every total).
--
-- Retention: drop_history_before on ai_interactions deletes the messages of the interactions
-- of the months it drops (the former foreign key's cascade), then drops the months.
--
-- Maintenance window: ACCESS EXCLUSIVE on ai_interactions (and the views and functions over
-- it) for the whole migration; every row moves in one INSERT ... SELECT (measured: about 12 s
-- for 400,000 interactions on a loaded 2-core machine).

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

-- For the rollback: drop_history_before as it is now.
insert into private.history_rebuild_saved (table_name, kind, name, definition)
select
  'public.ai_interactions' as table_name,
  'function' as kind,
  p.oid::regprocedure::text as name,  -- noqa: RF04
  pg_catalog.pg_get_functiondef(p.oid) as definition
from pg_catalog.pg_proc as p
where p.oid = 'private.drop_history_before(regclass, date)'::regprocedure;

-- A check constraint still NOT VALID (ai_interactions_started_at_not_future: rows from before
-- it were never checked) stays NOT VALID: the rebuild validates every constraint it builds.
create temporary table history_unvalidated_checks on commit drop as
select
  con.conname::text as check_name,
  regexp_replace(pg_catalog.pg_get_constraintdef(con.oid), ' NOT VALID$', '') as definition,
  pg_catalog.obj_description(con.oid, 'pg_constraint') as description
from pg_catalog.pg_constraint as con
where con.conrelid = 'public.ai_interactions'::regclass and con.contype = 'c' and not con.convalidated;

select private.rebuild_history_table('public.ai_interactions', true);

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
begin
  for saved in select h.* from history_foreign_policies as h order by h.on_table, h.name loop
    execute saved.definition;
    if saved.description is not null then
      execute format('comment on policy %I on %s is %L', saved.name, saved.on_table, saved.description);
    end if;
  end loop;
end
$migration$;

create or replace function private.drop_history_before(history regclass, before date)
returns setof text
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  cutoff timestamptz;
  part record;
  dropped text;
begin
  if history is null then
    raise exception using errcode = '22004', message = 'history: required';
  end if;
  if before is null then
    raise exception using errcode = '22004', message = 'before: required';
  end if;
  if not exists (select from pg_catalog.pg_partitioned_table as p where p.partrelid = history) then
    raise exception using errcode = '22023', message = format('history: %s is not partitioned', history);
  end if;
  cutoff := date_trunc('month', before::timestamp) at time zone 'UTC';
  if cutoff > date_trunc('month', now() at time zone 'UTC') at time zone 'UTC' then
    raise exception using
      errcode = '22023', message = 'before: must not be after the first day of the current month (UTC)';
  end if;
  for part in
    select b.partition, b.lower_bound, b.upper_bound
    from pg_catalog.pg_inherits as i
    inner join pg_catalog.pg_class as c on i.inhrelid = c.oid
    cross join lateral (
      select
        i.inhrelid::regclass as partition,
        (regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)'))[1]::timestamptz as lower_bound,
        (regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz as upper_bound
    ) as b
    where i.inhparent = history and b.upper_bound <= cutoff
    order by b.upper_bound
  loop
    dropped := part.partition::text;
    execute format('alter table %s detach partition %s', history, dropped);
    if history = 'public.ai_interactions'::regclass then
      -- The messages of the interactions dropped (the former foreign key's cascade).
      execute format(
        'delete from public.interaction_messages as m where (m.interaction_id, m.user_id) in (select d.id, d.user_id from %s as d)',
        dropped
      );
    end if;
    execute format('drop table %s', dropped);
    if history = 'public.model_calls'::regclass then
      -- The idempotency keys of the calls dropped: a key is unique while its call is kept.
      delete from private.model_call_keys as k
      where k.started_at >= part.lower_bound and k.started_at < part.upper_bound;
    end if;
    return next dropped;
  end loop;
end;
$$;
comment on function private.drop_history_before(regclass, date) is
'Retention: detaches and drops every partition of history wholly before the month of before (UTC; at most the current month), with the idempotency keys of the calls dropped and the messages of the interactions dropped; never a DELETE of history rows, and no rollup, ledger total or budget counter changes (they live in their own tables). Returns the partitions dropped.';
revoke execute on function private.drop_history_before(regclass, date) from public;
