-- model_calls back to a plain table (every row, its keys as they were before, the unique
-- (user_id, idempotency_key) key again), and the record functions' former bodies.
select private.rebuild_history_table('public.model_calls', false);

do $migration$
declare
  saved record;
  path text := current_setting('search_path');
begin
  for saved in
    select s.name, s.definition
    from private.history_rebuild_saved as s
    where
      s.table_name = 'public.model_calls' and s.kind = 'constraint'
      and not exists (
        select from pg_catalog.pg_constraint as con
        where con.conrelid = 'public.model_calls'::regclass and con.conname = s.name
      )
    order by s.name
  loop
    execute format('alter table public.model_calls add constraint %I %s', saved.name, saved.definition);
  end loop;
  perform set_config('search_path', '', true);
  for saved in
    select s.definition
    from private.history_rebuild_saved as s
    where s.table_name = 'public.model_calls' and s.kind = 'function'
    order by s.name
  loop
    execute saved.definition;
  end loop;
  perform set_config('search_path', path, true);
end
$migration$;

delete from private.history_rebuild_saved as s
where s.table_name = 'public.model_calls';
drop table private.model_call_keys;
