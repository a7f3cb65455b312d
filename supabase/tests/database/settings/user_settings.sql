begin;
\ir ../helpers.psql
select plan(25);

select tests.create_user('alice');
select tests.create_user('bob');

-- The owner: no row means the defaults; set_time_zone creates the row, then changes it.
select tests.authenticate_as('alice');
select is_empty($$select from public.user_settings$$, 'alice starts without settings');
select is(
  (select time_zone from public.set_time_zone('Pacific/Auckland')), 'Pacific/Auckland',
  'set_time_zone creates the caller''s row'
);
select is(
  (select user_id from public.user_settings), tests.get_user_id('alice'),
  'the row is the caller''s'
);
select is(
  (select time_zone from public.set_time_zone('America/Los_Angeles')), 'America/Los_Angeles',
  'set_time_zone again updates the same row'
);
select is((select count(*)::integer from public.user_settings), 1, 'still one row');
update public.user_settings set time_zone = 'Europe/Paris';
select is((select time_zone from public.user_settings), 'Europe/Paris', 'the owner updates the zone');

-- Refused names: 22023 naming the field, nothing written.
select throws_ok(
  $$select public.set_time_zone('EST')$$, '22023',
  'time_zone: not a reporting time zone agentsdb accepts', 'an abbreviation is refused'
);
select throws_ok(
  $$select public.set_time_zone('+05')$$, '22023', null, 'a fixed offset is refused'
);
select throws_ok(
  $$select public.set_time_zone('Etc/GMT+5')$$, '22023', null,
  'an Etc/GMT zone (inverted sign) is refused'
);
select throws_ok(
  $$select public.set_time_zone('europe/paris')$$, '22023', null,
  'a name spelled otherwise than the tz database is refused'
);
select throws_ok(
  $$select public.set_time_zone('Mars/Olympus_Mons')$$, '22023', null, 'an unknown zone is refused'
);
select throws_ok(
  $$update public.user_settings set time_zone = 'US/Pacific'$$, '22023', null,
  'a plain update is checked too (aliases outside the areas are refused)'
);
select throws_ok(
  $$select public.set_time_zone(null)$$, '22004', 'time_zone: must not be null', 'null is refused'
);
select is((select time_zone from public.user_settings), 'Europe/Paris', 'refusals wrote nothing');
select throws_ok(
  $$update public.user_settings set user_id = user_id$$, '42501', null,
  'user_id cannot be changed'
);

-- Another user: alice's row is invisible, unchangeable, and cannot be taken over.
select tests.authenticate_as('bob');
select is_empty($$select from public.user_settings$$, 'bob does not see alice''s settings');
insert into public.user_settings (time_zone) values ('Asia/Tokyo');
select is(
  (select user_id from public.user_settings), tests.get_user_id('bob'),
  'a plain insert takes the caller as user_id'
);
update public.user_settings set time_zone = 'Asia/Tokyo';
delete from public.user_settings;
select throws_ok(
  format(
    'insert into public.user_settings (user_id, time_zone) values (%L, %L)',
    tests.get_user_id('alice'), 'Asia/Tokyo'
  ),
  '42501', null, 'bob cannot insert a row for alice'
);

select tests.clear_authentication();
select is(
  (
    select time_zone from public.user_settings
    where user_id = tests.get_user_id('alice')
  ),
  'Europe/Paris', 'bob''s update and delete changed nothing of alice''s'
);

-- anon and anonymous sign-ins: nothing.
select tests.authenticate_as_anon();
select throws_ok($$select from public.user_settings$$, '42501', null, 'anon reads nothing');
select throws_ok(
  $$select public.set_time_zone('UTC')$$, '42501', null, 'anon cannot set a time zone'
);
select tests.clear_authentication();
select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', json_build_object(
  'sub', tests.get_user_id('bob'), 'role', 'authenticated', 'is_anonymous', true
)::text, true);
select throws_ok(
  $$select public.set_time_zone('UTC')$$, '42501', null,
  'an anonymous sign-in cannot write settings'
);
select tests.clear_authentication();

-- service_role reads and writes every row, still checked; it has no settings of its own.
select tests.authenticate_as_service_role();
select is(
  (
    select count(*)::integer from public.user_settings
    where user_id = tests.get_user_id('alice')
  ),
  1, 'service_role reads alice''s settings'
);
select throws_ok(
  format(
    'insert into public.user_settings (user_id, time_zone) values (%L, %L)',
    tests.get_user_id('bob'), 'CET'
  ),
  '22023', null, 'service_role writes are checked too'
);
select lives_ok(
  format(
    'insert into public.user_settings (user_id, time_zone) values (%L, %L)',
    tests.get_user_id('bob'), 'Asia/Kolkata'
  ),
  'service_role writes any user''s settings'
);

select * from finish();
rollback;
