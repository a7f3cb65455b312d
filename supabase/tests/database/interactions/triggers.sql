begin;
\ir ../helpers.psql
select plan(26);

select tests.create_user('alice');
insert into public.ai_agents (id, name, vendor_id, user_id)
values ('a0000000-0000-4000-8000-00000000000a', 'Agent A', 'anthropic', tests.get_user_id('alice'));
insert into public.ai_agents (id, name, vendor_id, user_id)
values ('a0000000-0000-4000-8000-00000000000b', 'Agent B', 'openai', tests.get_user_id('alice'));

-- usage_count and last_used_at as alice sees them.
create function tests.usage(agent uuid) returns text
language sql stable as $$
  select a.usage_count || ' ' || coalesce(a.last_used_at::text, '-')
  from public.ai_agents as a
  where a.id = agent
$$;
grant execute on function tests.usage(uuid) to authenticated, service_role;

set local timezone = 'UTC';
select tests.authenticate_as('alice');
select is(tests.usage('a0000000-0000-4000-8000-00000000000a'), '0 -', 'a new agent has no usage');

insert into public.ai_interactions (agent_id, title, started_at)
values ('a0000000-0000-4000-8000-00000000000a', 'first', '2026-01-10 10:00+00');
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '1 2026-01-10 10:00:00+00', 'one interaction: counted, last used at its start'
);

insert into public.ai_interactions (agent_id, title, started_at) values
('a0000000-0000-4000-8000-00000000000a', 'newest', '2026-01-12 08:00+00'),
('a0000000-0000-4000-8000-00000000000a', 'older', '2026-01-09 08:00+00'),
('a0000000-0000-4000-8000-00000000000b', 'on b', '2026-01-11 08:00+00');
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '3 2026-01-12 08:00:00+00',
  'a multi-row insert counts every row and keeps the newest start'
);
select is(tests.usage('a0000000-0000-4000-8000-00000000000b'), '1 2026-01-11 08:00:00+00', 'rows of another agent count there');

insert into public.ai_interactions (agent_id, title, started_at)
values ('a0000000-0000-4000-8000-00000000000a', 'backfilled', '2025-12-01 08:00+00');
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '4 2026-01-12 08:00:00+00', 'a backfilled older interaction leaves last_used_at'
);

delete from public.ai_interactions
where title = 'older';
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '3 2026-01-12 08:00:00+00', 'deleting an older interaction leaves last_used_at'
);

delete from public.ai_interactions
where title = 'newest';
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '2 2026-01-10 10:00:00+00',
  'deleting the newest interaction falls back to the next newest'
);

update public.ai_interactions set started_at = '2026-01-20 09:00+00'
where title = 'backfilled';
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '2 2026-01-20 09:00:00+00', 'moving a start later moves last_used_at'
);
update public.ai_interactions set started_at = '2025-11-01 09:00+00'
where title = 'backfilled';
select is(
  tests.usage('a0000000-0000-4000-8000-00000000000a'), '2 2026-01-10 10:00:00+00', 'moving the newest start earlier recomputes last_used_at'
);

select throws_ok(
  format($$update public.ai_agents set usage_count = 99 where id = %L$$, 'a0000000-0000-4000-8000-00000000000a'),
  '42501', null, 'clients cannot write usage_count'
);

-- service_role writes go through the same triggers.
select tests.authenticate_as_service_role();
insert into public.ai_interactions (agent_id, title, user_id, started_at)
values ('a0000000-0000-4000-8000-00000000000b', 'by a runner', tests.get_user_id('alice'), '2026-01-13 00:00+00');
select is(tests.usage('a0000000-0000-4000-8000-00000000000b'), '2 2026-01-13 00:00:00+00', 'service_role inserts are counted');

-- Moving an interaction to another agent (only the table owner may change agent_id).
select tests.clear_authentication();
update public.ai_interactions set agent_id = 'a0000000-0000-4000-8000-00000000000b'
where title = 'first';
select is(tests.usage('a0000000-0000-4000-8000-00000000000a'), '1 2025-11-01 09:00:00+00', 'the old agent loses a moved interaction');
select is(tests.usage('a0000000-0000-4000-8000-00000000000b'), '3 2026-01-13 00:00:00+00', 'the new agent gains it');

select is(
  array(
    select a.name from public.ai_agents as a
    where
      a.user_id = tests.get_user_id('alice')
      and not exists (
        select from public.ai_interactions as i
        where i.agent_id = a.id
        having count(*) = a.usage_count and max(i.started_at) is not distinct from a.last_used_at
      )
  ),
  '{}'::text [],
  'every agent''s counters equal a recount'
);

select tests.authenticate_as('alice');
delete from public.ai_interactions
where agent_id = 'a0000000-0000-4000-8000-00000000000b';
select is(tests.usage('a0000000-0000-4000-8000-00000000000b'), '0 -', 'deleting every interaction resets the agent');

-- Truncation (owner only) resets every agent. model_calls (issue 10) and
-- interaction_messages (issue 13) reference ai_interactions, so they are truncated together.
select tests.clear_authentication();
truncate public.ai_interactions, public.model_calls, public.interaction_messages;
select is(tests.usage('a0000000-0000-4000-8000-00000000000a'), '0 -', 'truncate resets the counters');

-- Deleting an agent deletes its interactions.
insert into public.ai_interactions (agent_id, title, user_id)
values ('a0000000-0000-4000-8000-00000000000a', 'doomed', tests.get_user_id('alice'));
delete from public.ai_agents
where id = 'a0000000-0000-4000-8000-00000000000a';
select is(
  (
    select count(*)::int from public.ai_interactions
    where title = 'doomed'
  ),
  0,
  'deleting the agent deleted its interactions'
);

-- duration_minutes: derived in whole minutes, rounded to the nearest; explicit values win.
select tests.authenticate_as('alice');
insert into public.ai_interactions (agent_id, title, started_at, ended_at, duration_minutes) values
('a0000000-0000-4000-8000-00000000000b', 'd 10m29s', '2026-02-01 10:00:00+00', '2026-02-01 10:10:29+00', null),
('a0000000-0000-4000-8000-00000000000b', 'd 10m30s', '2026-02-01 10:00:00+00', '2026-02-01 10:10:30+00', null),
('a0000000-0000-4000-8000-00000000000b', 'd 20s', '2026-02-01 10:00:00+00', '2026-02-01 10:00:20+00', null),
('a0000000-0000-4000-8000-00000000000b', 'd explicit', '2026-02-01 10:00:00+00', '2026-02-01 11:00:00+00', 7),
('a0000000-0000-4000-8000-00000000000b', 'd open', '2026-02-01 10:00:00+00', null, null);
select is(
  array(
    select title || '=' || coalesce(duration_minutes::text, 'null') from public.ai_interactions
    where title like 'd %'
    order by title
  ),
  array['d 10m29s=10', 'd 10m30s=11', 'd 20s=0', 'd explicit=7', 'd open=null'],
  'duration is derived from the times, rounded to the nearest minute, unless given'
);

update public.ai_interactions set ended_at = '2026-02-01 10:45:00+00'
where title = 'd open';
select is(
  (
    select duration_minutes from public.ai_interactions
    where title = 'd open'
  ),
  45,
  'setting ended_at later derives the duration'
);
update public.ai_interactions set ended_at = '2026-02-01 10:30:00+00'
where title = 'd explicit';
select is(
  (
    select duration_minutes from public.ai_interactions
    where title = 'd explicit'
  ),
  30,
  'changing the times re-derives a duration the update does not set'
);
update public.ai_interactions
set ended_at = '2026-02-01 12:00:00+00', duration_minutes = 15
where title = 'd explicit';
select is(
  (
    select duration_minutes from public.ai_interactions
    where title = 'd explicit'
  ),
  15,
  'a duration set in the same update wins'
);
update public.ai_interactions set satisfaction_rating = 4
where title = 'd explicit';
select is(
  (
    select duration_minutes from public.ai_interactions
    where title = 'd explicit'
  ),
  15,
  'an update that leaves the times alone leaves the duration'
);
select throws_ok(
  $$update public.ai_interactions set ended_at = null where title = 'd open'$$,
  'PT409', 'ended_at: an ended interaction cannot be reopened',
  'an owner cannot reopen an ended interaction (its numbers are fixed)'
);
-- The owner of the tables (agentsdb's own functions) may: the duration follows.
select tests.clear_authentication();
update public.ai_interactions set ended_at = null
where title = 'd open';
select is(
  (
    select duration_minutes from public.ai_interactions
    where title = 'd open'
  ),
  null,
  'clearing ended_at clears a derived duration'
);

-- updated_at is stamped on update; created_at stays.
select tests.clear_authentication();
insert into public.ai_interactions (agent_id, title, user_id, created_at, updated_at)
values ('a0000000-0000-4000-8000-00000000000b', 'stamped', tests.get_user_id('alice'), '2000-01-01+00', '2000-01-01+00');
select tests.authenticate_as('alice');
update public.ai_interactions set status = 'completed'
where title = 'stamped';
select tests.clear_authentication();
select is(
  (
    select updated_at from public.ai_interactions
    where title = 'stamped'
  ),
  now(),
  'a client update stamps updated_at'
);
select is(
  (
    select created_at from public.ai_interactions
    where title = 'stamped'
  ),
  '2000-01-01+00'::timestamptz,
  'created_at is left alone'
);

select * from finish();
rollback;
