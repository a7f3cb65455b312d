-- Partitioned history (issue 12), the tools: the call and interaction history is partitioned
-- by month of started_at (UTC), natively (no pg_partman). Partitions live in `private` (never
-- named by clients; RLS on, no grant); the parents keep their names, columns, policies,
-- grants, comments and triggers. Here: what rebuilds a table as partitioned (and back, for
-- rollbacks), what creates the months ahead, and what drops whole months (retention). The
-- migrations that follow apply them to model_calls.

create table private.history_rebuild_saved (
  table_name text not null,
  kind text not null,
  name text not null,
  definition text not null,
  constraint history_rebuild_saved_pkey primary key (table_name, kind, name),
  constraint history_rebuild_saved_kind_valid check (kind in ('constraint', 'function'))
);
alter table private.history_rebuild_saved enable row level security;
comment on table private.history_rebuild_saved is
'What partitioning a history table changed, for its rollback: a unique or primary key as it was before started_at was added to it (kind constraint), a function body as it was before (kind function). Written and read by migrations only.';

create table private.history_retention (
  table_name text not null,
  keep_months integer not null,
  constraint history_retention_pkey primary key (table_name),
  constraint history_retention_keep_months_range check (keep_months between 1 and 1200)
);
alter table private.history_retention enable row level security;
comment on table private.history_retention is
'How many whole months of a partitioned history table (public.model_calls, ...) the daily job keeps besides the current one; a table without a row keeps everything. Set by the operator (as postgres); the job drops whole partitions, never rows.';

-- The columns of a table, in order, for INSERT ... SELECT between two shapes of it.
create function private.history_columns(history regclass)
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum)
  from pg_catalog.pg_attribute as a
  where a.attrelid = history and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
$$;
comment on function private.history_columns(regclass) is
'The stored (not generated) columns of a table, quoted and in order, as a list for INSERT ... SELECT.';
revoke execute on function private.history_columns(regclass) from public;

-- Grants a table or function got from default privileges (Supabase grants everything in
-- public to the API roles), taken back: partitions and rebuilt objects start with none.
create function private.history_revoke_all(object_kind text, target text, acl aclitem [], owner oid)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  grantee_name text;
begin
  for grantee_name in
    select distinct case when x.grantee = 0 then 'public' else x.grantee::regrole::text end
    from pg_catalog.aclexplode(acl) as x
    where x.grantee <> owner
  loop
    execute format('revoke all on %s %s from %s', object_kind, target, grantee_name);
  end loop;
end;
$$;
comment on function private.history_revoke_all(text, text, aclitem [], oid) is
'Revokes every privilege of acl (but the owner''s) on a table or function: used on partitions and on objects rebuilt by private.rebuild_history_table.';
revoke execute on function private.history_revoke_all(text, text, aclitem [], oid) from public;

-- The grants of acl (but the owner's) as statements, in the order of acl.
create function private.history_grants(
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
comment on function private.history_grants(text, text, aclitem [], oid, text) is
'The GRANT statements that give acl''s privileges (but the owner''s) again, in acl''s order, on a table, a column of it (column_name) or a function.';
revoke execute on function private.history_grants(text, text, aclitem [], oid, text) from public;

-- One month of a partitioned history table: created empty beside it, filled with the rows
-- of that month the default partition caught, then attached (SHARE UPDATE EXCLUSIVE on the
-- parent: readers and writers go on).
create function private.create_history_partition(history regclass, month date)
returns text
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  parent_name text := (select c.relname from pg_catalog.pg_class as c where c.oid = history);
  partition_name text := format('%s_p%s', parent_name, to_char(month::timestamp, 'YYYY_MM'));
  lower_bound timestamptz := date_trunc('month', month::timestamp) at time zone 'UTC';
  upper_bound timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') at time zone 'UTC';
  default_partition regclass;
  created regclass;
  columns text := private.history_columns(history);
begin
  if to_regclass(format('private.%I', partition_name)) is not null then
    return null;
  end if;
  execute format(
    'create table private.%I (like %s including defaults including constraints including storage including compression including generated)',
    partition_name, history
  );
  created := format('private.%I', partition_name)::regclass;
  select i.inhrelid::regclass into default_partition
  from pg_catalog.pg_inherits as i
  inner join pg_catalog.pg_class as c on i.inhrelid = c.oid
  where i.inhparent = history and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
  if default_partition is not null then
    execute format(
      'with moved as (delete from %s where started_at >= %L and started_at < %L returning %s) insert into %s (%s) select %s from moved',
      default_partition, lower_bound, upper_bound, columns, created, columns, columns
    );
  end if;
  execute format(
    'alter table %s attach partition %s for values from (%L) to (%L)',
    history, created, lower_bound, upper_bound
  );
  execute format('alter table %s enable row level security', created);
  perform private.history_revoke_all(
    'table', created::text,
    (select c.relacl from pg_catalog.pg_class as c where c.oid = created),
    (select c.relowner from pg_catalog.pg_class as c where c.oid = created)
  );
  execute format(
    'comment on table %s is %L', created,
    format('Partition of %s: rows started in %s (UTC). Read and write through the parent.', history, to_char(month::timestamp, 'YYYY-MM'))
  );
  return created::text;
end;
$$;
comment on function private.create_history_partition(regclass, date) is
'Creates the partition of a history table for the month of month (UTC), private.<table>_pYYYY_MM, unless it exists (then null): RLS on, no grant, rows of that month moved out of the default partition. Returns its name.';
revoke execute on function private.create_history_partition(regclass, date) from public;

create function private.ensure_history_partitions(months_ahead integer default 3)
returns setof text
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  history regclass;
  default_partition regclass;
  caught date [];
  month date;
  created text;
begin
  if months_ahead is null or months_ahead not between 0 and 120 then
    raise exception using errcode = '22023', message = 'months_ahead: must be 0 to 120';
  end if;
  for history in
    select p.partrelid::regclass
    from pg_catalog.pg_partitioned_table as p
    inner join pg_catalog.pg_class as c on p.partrelid = c.oid
    where c.relnamespace = 'public'::regnamespace and p.partstrat = 'r'
    order by c.relname
  loop
    select i.inhrelid::regclass into default_partition
    from pg_catalog.pg_inherits as i
    inner join pg_catalog.pg_class as c on i.inhrelid = c.oid
    where i.inhparent = history and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
    caught := '{}';
    if default_partition is not null then
      execute format(
        'select coalesce(array_agg(distinct date_trunc(''month'', started_at at time zone ''UTC'')::date), ''{}'') from %s',
        default_partition
      ) into caught;
      if cardinality(caught) > 0 then
        raise warning using
          message = format('%s: the default partition caught rows of %s; moved to their months', history, caught);
      end if;
    end if;
    for month in
      select m.month from unnest(caught) as m (month)
      union
      select (date_trunc('month', now() at time zone 'UTC') + make_interval(months => k))::date
      from generate_series(0, months_ahead) as k
      order by 1
    loop
      created := private.create_history_partition(history, month);
      if created is not null then
        return next created;
      end if;
    end loop;
  end loop;
end;
$$;
comment on function private.ensure_history_partitions(integer) is
'Creates, for every partitioned history table of public, the partitions of the current month (UTC) and of the months_ahead next ones (3 by default), and of any month whose rows the default partition caught (moving them there, with a warning). Returns the partitions created. Run daily by the job agentsdb-history-partitions.';
revoke execute on function private.ensure_history_partitions(integer) from public;

create function private.drop_history_before(history regclass, before date)
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
'Retention: detaches and drops every partition of history wholly before the month of before (UTC; at most the current month), and the idempotency keys of the calls dropped; never a DELETE of history rows, and no rollup, ledger total or budget counter changes (they live in their own tables). Returns the partitions dropped.';
revoke execute on function private.drop_history_before(regclass, date) from public;

create function private.maintain_history_partitions()
returns setof text
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  kept record;
begin
  return query select 'created ' || e from private.ensure_history_partitions(3) as e;
  for kept in
    select r.table_name, r.keep_months
    from private.history_retention as r
    where to_regclass(r.table_name) is not null
    order by r.table_name
  loop
    return query
    select 'dropped ' || d
    from private.drop_history_before(
      kept.table_name::regclass,
      (date_trunc('month', now() at time zone 'UTC') - make_interval(months => kept.keep_months))::date
    ) as d;
  end loop;
end;
$$;
comment on function private.maintain_history_partitions() is
'The daily job agentsdb-history-partitions: creates the next three months of every partitioned history table (private.ensure_history_partitions) and drops the months private.history_retention no longer keeps (private.drop_history_before). Returns what it did.';
revoke execute on function private.maintain_history_partitions() from public;

-- Rebuilds a table as partitioned by range of started_at (partitioned true) or as a plain
-- table (false, for rollbacks), carrying over whatever it has when it runs, read from the
-- catalogs: columns, defaults, checks, keys, foreign keys, indexes, triggers, policies, RLS,
-- grants (table and columns), comments, publications, and the views and functions that
-- depend on it or on its row type. A primary or unique key without started_at gets it (the
-- partition key must be in every unique key); its former definition is saved for the way
-- back. Rows move in one INSERT ... SELECT under an ACCESS EXCLUSIVE lock.
create function private.rebuild_history_table(target regclass, partitioned boolean)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  rel record;
  item record;
  qualified text;
  saved_name text;
  key_column smallint;
  key_definition text;
  columns text;
  later text [] := '{}'::text [];
  views text [] := '{}'::text [];
  function_oids oid [] := '{}'::oid [];
  function_definitions text [] := '{}'::text [];
  function_after text [] := '{}'::text [];
  statement text;
  months date [];
begin
  select
    c.oid, n.nspname, c.relname, c.relkind, c.relowner, c.relacl, c.relrowsecurity,
    c.relforcerowsecurity, c.relreplident, c.reloptions, c.reltype,
    pg_catalog.obj_description(c.oid, 'pg_class') as description,
    (select t.typarray from pg_catalog.pg_type as t where t.oid = c.reltype) as array_type
  into rel
  from pg_catalog.pg_class as c
  inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
  where c.oid = target;
  if rel.relkind not in ('r', 'p') or (rel.relkind = 'p') = partitioned then
    raise exception using
      errcode = '55000',
      message = format('%s is already %s', target, case when partitioned then 'partitioned' else 'a plain table' end);
  end if;
  qualified := format('%I.%I', rel.nspname, rel.relname);
  execute format('lock table %s in access exclusive mode', qualified);
  select a.attnum into key_column
  from pg_catalog.pg_attribute as a
  where a.attrelid = target and a.attname = 'started_at' and not a.attisdropped;
  if key_column is null then
    raise exception using errcode = '0A000', message = format('%s has no column started_at', target);
  end if;

  -- What this does not carry over is refused, loudly.
  if exists (select from pg_catalog.pg_constraint as f where f.confrelid = target and f.contype = 'f') then
    raise exception using
      errcode = '0A000', message = format('%s is referenced by a foreign key: rebuild it by hand', target);
  end if;
  if exists (select from pg_catalog.pg_rewrite as r where r.ev_class = target)
    or exists (select from pg_catalog.pg_statistic_ext as s where s.stxrelid = target)
    or exists (select from pg_catalog.pg_attribute as a where a.attrelid = target and a.attidentity <> '')
    or exists (
      select from pg_catalog.pg_depend as d
      inner join pg_catalog.pg_class as s on d.objid = s.oid
      where d.refobjid = target and d.classid = 'pg_catalog.pg_class'::regclass and s.relkind = 'S'
    )
    or rel.relreplident <> 'd'
    or (partitioned and rel.reloptions is not null) then
    raise exception using
      errcode = '0A000',
      message = format('%s has rules, statistics objects, identity or owned sequences, a replica identity or storage options: not carried over', target);
  end if;

  -- Keys and foreign keys (checks and not null come with LIKE).
  for item in
    select
      con.conname, con.contype, con.conkey, pg_catalog.pg_get_constraintdef(con.oid) as definition,
      pg_catalog.obj_description(con.oid, 'pg_constraint') as description
    from pg_catalog.pg_constraint as con
    where con.conrelid = target and con.contype in ('p', 'u', 'f', 'x')
    order by con.contype = 'f', con.conname
  loop
    key_definition := item.definition;
    if partitioned and item.contype in ('p', 'u', 'x') and not key_column = any(item.conkey) then
      if item.contype = 'x' then
        raise exception using
          errcode = '0A000', message = format('%s: exclusion constraint %s lacks started_at', target, item.conname);
      end if;
      insert into private.history_rebuild_saved (table_name, kind, name, definition)
      values (qualified, 'constraint', item.conname, item.definition)
      on conflict (table_name, kind, name) do update set definition = excluded.definition;
      -- The first parenthesis closes the key's columns: started_at goes last among them.
      key_definition := regexp_replace(key_definition, '\)', ', started_at)');
    elsif not partitioned and item.contype in ('p', 'u') then
      select coalesce(max(s.definition), key_definition) into key_definition
      from private.history_rebuild_saved as s
      where s.table_name = qualified and s.kind = 'constraint' and s.name = item.conname;
    end if;
    later := later || format('alter table %s add constraint %I %s', qualified, item.conname, key_definition);
    if item.description is not null then
      later := later || format('comment on constraint %I on %s is %L', item.conname, qualified, item.description);
    end if;
  end loop;

  -- Other indexes.
  for item in
    select
      ic.relname, i.indisunique, i.indkey::smallint [] as keys,
      pg_catalog.pg_get_indexdef(i.indexrelid) as definition,
      pg_catalog.obj_description(i.indexrelid, 'pg_class') as description
    from pg_catalog.pg_index as i
    inner join pg_catalog.pg_class as ic on i.indexrelid = ic.oid
    where
      i.indrelid = target
      and not exists (
        select from pg_catalog.pg_constraint as con
        where con.conindid = i.indexrelid and con.conrelid = target and con.contype in ('p', 'u', 'x')
      )
    order by ic.relname
  loop
    if partitioned and item.indisunique and not key_column = any(item.keys) then
      raise exception using
        errcode = '0A000', message = format('%s: unique index %s lacks started_at', target, item.relname);
    end if;
    later := later || regexp_replace(item.definition, ' ON ONLY ', ' ON ');
    if item.description is not null then
      later := later || format('comment on index %I.%I is %L', rel.nspname, item.relname, item.description);
    end if;
  end loop;

  -- Triggers (their state and comments).
  for item in
    select
      t.tgname, t.tgenabled, pg_catalog.pg_get_triggerdef(t.oid) as definition,
      pg_catalog.obj_description(t.oid, 'pg_trigger') as description
    from pg_catalog.pg_trigger as t
    where t.tgrelid = target and not t.tgisinternal
    order by t.tgname
  loop
    later := later || item.definition;
    if item.tgenabled <> 'O' then
      later := later || format(
        'alter table %s %s trigger %I', qualified,
        case item.tgenabled when 'D' then 'disable' when 'R' then 'enable replica' else 'enable always' end,
        item.tgname
      );
    end if;
    if item.description is not null then
      later := later || format('comment on trigger %I on %s is %L', item.tgname, qualified, item.description);
    end if;
  end loop;

  -- Row level security and policies.
  if rel.relrowsecurity then
    later := later || format('alter table %s enable row level security', qualified);
  end if;
  if rel.relforcerowsecurity then
    later := later || format('alter table %s force row level security', qualified);
  end if;
  for item in
    select
      p.polname, p.polpermissive, p.polcmd,
      (
        select string_agg(case when r.role = 0 then 'public' else r.role::regrole::text end, ', ' order by r.n)
        from unnest(p.polroles) with ordinality as r (role, n)
      ) as roles,
      pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
      pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
      pg_catalog.obj_description(p.oid, 'pg_policy') as description
    from pg_catalog.pg_policy as p
    where p.polrelid = target
    order by p.polname
  loop
    later := later || format(
      'create policy %I on %s as %s for %s to %s%s%s', item.polname, qualified,
      case when item.polpermissive then 'permissive' else 'restrictive' end,
      case item.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
      item.roles,
      case when item.qual is not null then format(' using (%s)', item.qual) else '' end,
      case when item.with_check is not null then format(' with check (%s)', item.with_check) else '' end
    );
    if item.description is not null then
      later := later || format('comment on policy %I on %s is %L', item.polname, qualified, item.description);
    end if;
  end loop;

  -- Comment, grants (the table's, then each column's), owner, publications.
  if rel.description is not null then
    later := later || format('comment on table %s is %L', qualified, rel.description);
  end if;
  later := later || private.history_grants('table', qualified, rel.relacl, rel.relowner);
  for item in
    select a.attname, a.attacl
    from pg_catalog.pg_attribute as a
    where a.attrelid = target and a.attnum > 0 and not a.attisdropped and a.attacl is not null
    order by a.attnum
  loop
    later := later || private.history_grants('table', qualified, item.attacl, rel.relowner, item.attname);
  end loop;
  if rel.relowner <> (select r.oid from pg_catalog.pg_roles as r where r.rolname = current_user) then
    later := later || format('alter table %s owner to %s', qualified, rel.relowner::regrole);
  end if;
  for item in
    select p.pubname
    from pg_catalog.pg_publication_rel as pr
    inner join pg_catalog.pg_publication as p on pr.prpubid = p.oid
    where pr.prrelid = target
    order by p.pubname
  loop
    later := later || format('alter publication %I add table %s', item.pubname, qualified);
  end loop;

  -- Views reading the table: the same definition, on the new table (same view, same oid).
  for item in
    select distinct v.oid, v.relkind, v.reloptions
    from pg_catalog.pg_depend as d
    inner join pg_catalog.pg_rewrite as r on d.objid = r.oid
    inner join pg_catalog.pg_class as v on r.ev_class = v.oid
    where
      d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
      and d.refobjid = target and v.oid <> target
    order by v.oid
  loop
    if item.relkind <> 'v' then
      raise exception using
        errcode = '0A000', message = format('%s: %s depends on it and is not a view', target, item.oid::regclass);
    end if;
    views := views || format(
      'create or replace view %s%s as %s', item.oid::regclass,
      case when item.reloptions is not null then format(' with (%s)', array_to_string(item.reloptions, ', ')) else '' end,
      rtrim(pg_catalog.pg_get_viewdef(item.oid), ';')
    );
  end loop;

  -- Functions whose signature names the table's row type (or depend on the table): dropped
  -- and created again from their definitions, with their grants and comments.
  for item in
    select distinct p.oid, p.proowner, p.proacl, pg_catalog.pg_get_functiondef(p.oid) as definition,
      p.oid::regprocedure::text as signature,
      pg_catalog.obj_description(p.oid, 'pg_proc') as description
    from pg_catalog.pg_depend as d
    inner join pg_catalog.pg_proc as p on d.objid = p.oid
    where
      d.classid = 'pg_catalog.pg_proc'::regclass
      and (
        (d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = target)
        or (d.refclassid = 'pg_catalog.pg_type'::regclass and d.refobjid in (rel.reltype, rel.array_type))
      )
    order by p.oid
  loop
    function_oids := function_oids || item.oid;
    function_definitions := function_definitions || item.definition;
    function_after := function_after || format(
      'select private.history_revoke_all(''function'', %L, coalesce(p.proacl, pg_catalog.acldefault(''f'', p.proowner)), p.proowner) from pg_catalog.pg_proc as p where p.oid = %L::regprocedure',
      item.signature, item.signature
    );
    function_after := function_after || private.history_grants(
      'function', item.signature, coalesce(item.proacl, pg_catalog.acldefault('f', item.proowner)), item.proowner
    );
    if item.description is not null then
      function_after := function_after || format('comment on function %s is %L', item.signature, item.description);
    end if;
  end loop;

  -- The swap: the old table steps aside, the new one takes its name and its rows.
  saved_name := left(rel.relname, 40) || '_being_rebuilt';
  execute format('alter table %s rename to %I', qualified, saved_name);
  execute format(
    'create table %s (like %I.%I including defaults including constraints including generated including storage including compression including comments)%s',
    qualified, rel.nspname, saved_name,
    case when partitioned then ' partition by range (started_at)' else '' end
  );
  perform private.history_revoke_all(
    'table', qualified,
    (select c.relacl from pg_catalog.pg_class as c where c.oid = qualified::regclass),
    (select c.relowner from pg_catalog.pg_class as c where c.oid = qualified::regclass)
  );
  if partitioned then
    execute format(
      'create table private.%I partition of %s default', left(rel.relname, 50) || '_default', qualified
    );
    execute format('alter table private.%I enable row level security', left(rel.relname, 50) || '_default');
    execute format(
      'comment on table private.%I is %L', left(rel.relname, 50) || '_default',
      format('Default partition of %s: rows whose month has no partition yet (moved to their month by private.ensure_history_partitions). Read and write through the parent.', qualified)
    );
    perform private.history_revoke_all(
      'table', format('private.%I', left(rel.relname, 50) || '_default'),
      (select c.relacl from pg_catalog.pg_class as c where c.oid = format('private.%I', left(rel.relname, 50) || '_default')::regclass),
      (select c.relowner from pg_catalog.pg_class as c where c.oid = format('private.%I', left(rel.relname, 50) || '_default')::regclass)
    );
    execute format(
      'select coalesce(array_agg(distinct date_trunc(''month'', started_at at time zone ''UTC'')::date), ''{}'') from %I.%I',
      rel.nspname, saved_name
    ) into months;
    for k in 0..3 loop
      months := months || (date_trunc('month', now() at time zone 'UTC') + make_interval(months => k))::date;
    end loop;
    perform private.create_history_partition(qualified::regclass, m.month)
    from (select distinct x.month from unnest(months) as x (month) order by x.month) as m;
  end if;
  columns := private.history_columns(qualified::regclass);
  execute format(
    'insert into %s (%s) select %s from %I.%I', qualified, columns, columns, rel.nspname, saved_name
  );
  for k in 1..coalesce(array_length(function_oids, 1), 0) loop
    execute format('drop function %s', function_oids[k]::regprocedure);
  end loop;
  foreach statement in array views loop
    execute statement;
  end loop;
  foreach statement in array function_definitions loop
    execute statement;
  end loop;
  foreach statement in array function_after loop
    execute statement;
  end loop;
  execute format('drop table %I.%I', rel.nspname, saved_name);
  foreach statement in array later loop
    execute statement;
  end loop;
end;
$$;
comment on function private.rebuild_history_table(regclass, boolean) is
'Migrations only: rebuilds a table as partitioned by month of started_at (partitioned true; partitions in private, with a default one) or as a plain table (false), carrying over what the catalogs say it has (keys, foreign keys, indexes, triggers, policies, grants, comments, dependent views and functions). Unique keys gain started_at; their former definitions go to private.history_rebuild_saved and come back on the way back. Takes an ACCESS EXCLUSIVE lock and moves every row in one statement.';
revoke execute on function private.rebuild_history_table(regclass, boolean) from public;
