begin;
\ir ../helpers.psql
select plan(46);

select tests.create_user('alice');
select tests.create_user('bob');

-- alice's agents: one scheduled, one public, one inactive.
insert into public.ai_agents (id, name, vendor_id, is_public, user_id) values
('a0000000-0000-4000-8000-000000000001', 'scheduled', 'openai', false, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000002', 'public', 'openai', true, tests.get_user_id('alice')),
('a0000000-0000-4000-8000-000000000003', 'idle', 'openai', false, tests.get_user_id('alice'));
select tests.authenticate_as('alice');
select public.set_time_zone('Europe/Paris');

-- The time zone defaults to the owner's; next_run_at is computed on write.
insert into public.agent_schedules (agent_id, cron, active_hours) values (
  'a0000000-0000-4000-8000-000000000001', '*/15 9-17 * * 1-5',
  '{"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "tue": [["09:00", "17:00"]]}'
);
select is(
  (select time_zone from public.agent_schedules), 'Europe/Paris',
  'the schedule takes the owner''s time zone by default'
);
select is(
  (select next_run_at from public.agent_schedules),
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', now()),
  'next_run_at is the next fire, kept on insert'
);
select ok((select next_run_at > now() from public.agent_schedules), 'next_run_at is ahead');

-- Active hours on the schedule's wall clock (Paris: UTC+1 in December, UTC+2 in June).
select ok(
  public.is_agent_active_now('a0000000-0000-4000-8000-000000000001', '2026-12-07 08:30Z'),
  'Monday 09:30 in Paris is within the active hours'
);
select ok(
  not public.is_agent_active_now('a0000000-0000-4000-8000-000000000001', '2026-12-07 11:30Z'),
  'Monday 12:30 (the lunch gap) is not'
);
select ok(
  not public.is_agent_active_now('a0000000-0000-4000-8000-000000000001', '2026-12-07 16:00Z'),
  'Monday 17:00 is not (an end is exclusive)'
);
select ok(
  public.is_agent_active_now('a0000000-0000-4000-8000-000000000001', '2026-06-08 14:59Z'),
  'summer: Monday 16:59 local (14:59 UTC) is active'
);
select ok(
  not public.is_agent_active_now('a0000000-0000-4000-8000-000000000001', '2026-12-09 10:00Z'),
  'a weekday without a key (Wednesday) is inactive'
);
select ok(
  public.is_agent_active_now('a0000000-0000-4000-8000-000000000003'),
  'an agent without a schedule is active when is_active'
);

-- agent_next_run: cron fires within the active hours, in the zone.
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-12-07 11:00Z'),
  '2026-12-07 12:00Z'::timestamptz,
  'after 12:00 Paris the next fire is 13:00 (the gap is skipped)'
);
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-12-08 16:00Z'),
  '2026-12-14 08:00Z'::timestamptz,
  'after Tuesday''s hours the next fire is Monday 09:00 (no hours on Wednesday to Sunday)'
);

-- DST, America/New_York: 2026-03-08 springs forward at 02:00, 2026-11-01 falls back at 02:00.
update public.agent_schedules
set time_zone = 'America/New_York', active_hours = null, cron = '0 9 * * *';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-03-07 15:00Z'),
  '2026-03-08 13:00Z'::timestamptz,
  '09:00 daily: 14:00 UTC in winter, 13:00 UTC the day DST starts'
);
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-11-01 00:00Z'),
  '2026-11-01 14:00Z'::timestamptz,
  '09:00 daily: 14:00 UTC the day DST ends'
);
update public.agent_schedules set cron = '30 2 * * *';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-03-07 12:00Z'),
  '2026-03-08 07:30Z'::timestamptz,
  'a skipped local time (02:30 on the spring-forward day) fires at 03:30 EDT'
);
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-03-08 07:30Z'),
  '2026-03-09 06:30Z'::timestamptz,
  'and once: the next fire is the next day''s 02:30 EDT'
);
update public.agent_schedules set cron = '30 1 * * *';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-11-01 04:00Z'),
  '2026-11-01 06:30Z'::timestamptz,
  'a repeated local time (01:30 on the fall-back day) fires once'
);
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-11-01 06:30Z'),
  '2026-11-02 06:30Z'::timestamptz,
  'and not a second time that day'
);
-- Vixie cron's day rule: both day fields restricted means either.
update public.agent_schedules set time_zone = 'UTC', cron = '0 12 13 * 5';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-12-01 00:00Z'),
  '2026-12-04 12:00Z'::timestamptz,
  'day-of-month 13 or Friday: the first Friday comes first'
);
update public.agent_schedules set cron = '0 0 29 2 *';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-12-01 00:00Z'),
  '2028-02-29 00:00Z'::timestamptz,
  'February 29 is found years ahead'
);
update public.agent_schedules set cron = '0 0 30 2 *';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001'), null,
  'an expression that never fires has no next run'
);
select is((select next_run_at from public.agent_schedules), null, 'nor a next_run_at');
update public.agent_schedules set cron = '5,35 */6 * 1-12/2 7';
select is(
  public.agent_next_run('a0000000-0000-4000-8000-000000000001', '2026-12-01 00:00Z'),
  '2027-01-03 00:05Z'::timestamptz,
  'lists, steps and Sunday as 7 (Sundays of odd months: January 3)'
);
update public.agent_schedules set is_enabled = false;
select ok(
  not public.is_agent_active_now('a0000000-0000-4000-8000-000000000001', '2026-12-07 08:30Z')
  and public.agent_next_run('a0000000-0000-4000-8000-000000000001') is null
  and (select next_run_at from public.agent_schedules) is null,
  'a disabled schedule: never active, never due'
);
update public.agent_schedules set is_enabled = true, cron = '*/5 * * * *';

-- Refusals: 22023 naming the field, nothing written.
select throws_ok(
  $$update public.agent_schedules set cron = '* * * *'$$, '22023',
  'cron: must have exactly 5 fields (minute hour day-of-month month day-of-week)', 'four fields'
);
select throws_ok(
  $$update public.agent_schedules set cron = '60 * * * *'$$, '22023',
  'cron: the minute field must stay within 0-59 (ranges low to high, steps at least 1)', 'minute 60'
);
select throws_ok(
  $$update public.agent_schedules set cron = '0 17-9 * * *'$$, '22023', null, 'a backwards range'
);
select throws_ok(
  $$update public.agent_schedules set cron = '0 9 * JAN MON'$$, '22023',
  'cron: the month field is not a number, range, list or step', 'names are not supported'
);
select throws_ok(
  $$update public.agent_schedules set cron = '*/0 * * * *'$$, '22023', null, 'a zero step'
);
select throws_ok(
  $$update public.agent_schedules set time_zone = 'EST'$$, '22023',
  'time_zone: not a reporting time zone agentsdb accepts', 'the user_settings rule for zones'
);
select throws_ok(
  $$update public.agent_schedules set active_hours = '{"monday": []}'$$, '22023',
  'active_hours: keys must be weekdays mon, tue, wed, thu, fri, sat, sun', 'an unknown weekday'
);
select throws_ok(
  $$update public.agent_schedules set active_hours = '{"mon": [["17:00", "09:00"]]}'$$, '22023',
  'active_hours.mon: each interval is ["HH:MM", "HH:MM"] with start before end (end at most 24:00)',
  'an overnight interval'
);
select throws_ok(
  $$update public.agent_schedules set active_hours = '{"mon": [["9:00", "10:00"]]}'$$, '22023',
  null, 'a time not written HH:MM'
);
select throws_ok(
  $$update public.agent_schedules set active_hours = '[]'$$, '22023', null, 'not an object'
);
select is(
  (select cron || ' ' || time_zone from public.agent_schedules), '*/5 * * * * UTC',
  'refusals wrote nothing'
);
select throws_ok(
  $$update public.agent_schedules set next_run_at = now()$$, '42501', null,
  'next_run_at is the database''s'
);

-- bob: nothing of alice's, not even through her public agent.
select tests.authenticate_as('bob');
select is_empty($$select from public.agent_schedules$$, 'bob sees no schedule of alice''s');
select throws_ok(
  $$insert into public.agent_schedules (agent_id) values ('a0000000-0000-4000-8000-000000000002')$$,
  '42501', null, 'bob cannot schedule alice''s public agent'
);
select throws_ok(
  $$select public.is_agent_active_now('a0000000-0000-4000-8000-000000000001')$$,
  'PT404', 'agent_id: no agent with this id is visible to you', 'is_agent_active_now: PT404 for bob'
);
select throws_ok(
  $$select public.agent_next_run('a0000000-0000-4000-8000-000000000002')$$,
  'PT404', null, 'agent_next_run: PT404 on a public agent of someone else'
);
select throws_ok(
  $$select * from public.due_agents()$$, '42501', null, 'runners only: bob cannot take due agents'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.agent_next_run('a0000000-0000-4000-8000-000000000001')$$, '42501', null,
  'anon cannot ask'
);

-- Runners: due agents come from the partial index, oldest fire first, each to one runner,
-- and move on to their next fire.
select tests.clear_authentication();
insert into public.agent_schedules (agent_id, user_id, cron) values (
  'a0000000-0000-4000-8000-000000000003', tests.get_user_id('alice'), '0 * * * *'
);
update public.ai_agents set is_active = false
where id = 'a0000000-0000-4000-8000-000000000003';
select tests.authenticate_as_service_role();
update public.agent_schedules set next_run_at = now() - interval '2 minutes'
where agent_id = 'a0000000-0000-4000-8000-000000000001';
update public.agent_schedules set next_run_at = now() - interval '1 minute'
where agent_id = 'a0000000-0000-4000-8000-000000000003';
select results_eq(
  $$select agent_id, due_at from public.due_agents(10)$$,
  $$values ('a0000000-0000-4000-8000-000000000001'::uuid, now() - interval '2 minutes')$$,
  'due_agents returns the active due agent with the fire that was due'
);
select ok(
  (select bool_and(next_run_at > now() and last_run_at = now()) from public.agent_schedules),
  'every fire taken (the inactive agent''s too) moved to the next one'
);
select is_empty($$select * from public.due_agents(10)$$, 'nothing is due twice');
select throws_ok(
  $$select * from public.due_agents(0)$$, '22023', 'max_agents: must be between 1 and 1000',
  'max_agents is bounded'
);
select tests.clear_authentication();
create function tests.explain_lines(query text)
returns table (line text)
language plpgsql
as $$
begin
  return query execute 'explain ' || query;
end;
$$;
set local enable_seqscan = off;
select ok(
  (
    select bool_or(line like '%agent_schedules_next_run_at_idx%')
    from tests.explain_lines(
      $$select agent_id from public.agent_schedules where next_run_at <= now() order by next_run_at limit 10$$
    )
  ),
  'the due query reads agent_schedules_next_run_at_idx'
);

select * from finish();
rollback;
