-- Issue 9, point 6: audit entries are as large as what changed, and the entries about a
-- user's data leave the trail once the user is deleted (and every entry after 365 days).
begin;
\ir ../helpers.psql
select plan(9);

select tests.create_user('alice');
select tests.create_user('bob');
select tests.authenticate_as('alice');
insert into public.ai_agents (name, vendor_id, system_prompt)
values ('Big', 'openai', repeat('You are a very detailed assistant. ', 2500));
update public.ai_agents set name = 'Big 2'
where name = 'Big';
select tests.authenticate_as('bob');
insert into public.ai_agents (name, vendor_id) values ('Bob''s', 'openai');
select tests.clear_authentication();

select is(
  (
    select array[old_row, new_row] from public.audit_logs
    where owner_id = tests.get_user_id('alice') and action = 'update'
  ),
  array['{"name": "Big"}'::jsonb, '{"name": "Big 2"}'::jsonb],
  'an update entry holds only the changed columns, before and after'
);
select ok(
  (
    select octet_length(old_row::text) + octet_length(new_row::text) < 300
    from public.audit_logs
    where owner_id = tests.get_user_id('alice') and action = 'update'
  ),
  'renaming an agent with an 87 KB system prompt writes a few hundred bytes'
);

select is(private.purge_audit_logs(), 0, 'nothing to purge while every user exists');

create table tests.gone as select tests.get_user_id('alice') as id;
delete from auth.users
where id = (select g.id from tests.gone as g);
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id = (select g.id from tests.gone as g)
  ),
  3,
  'the entries (insert, update, the cascaded delete) outlive the user until the next purge'
);
select is(private.purge_audit_logs(), 3, 'the purge deletes the deleted user''s entries');
select is(
  (
    select count(*)::integer from public.audit_logs
    where owner_id = tests.get_user_id('bob')
  ),
  1,
  'other users'' entries stay'
);

-- Every entry expires after the retention period.
insert into public.audit_logs (occurred_at, actor_role, table_name, record_id, action, new_row)
values (now() - interval '366 days', 'postgres', 'vendors', 'old_vendor', 'insert', '{}');
select is(private.purge_audit_logs(), 1, 'an entry older than 365 days is purged');
select throws_ok(
  $$select private.purge_audit_logs(interval '1 hour')$$, '22023', null,
  'a retention under a day is refused'
);

select is(
  tests.cron_job('agentsdb-daily-audit-purge'),
  case
    when
      exists (
        select from pg_extension
        where extname = 'pg_cron'
      )
      then '30 0 * * * select private.purge_audit_logs()'
  end,
  'pg_cron (where installed) purges the trail daily at 00:30'
);

select * from finish();
rollback;
