begin;
\ir ../helpers.psql
select plan(25);

select has_table('public', 'agent_features', 'agent_features exists');
select columns_are('public', 'agent_features', array[
  'id', 'name', 'description', 'category', 'icon', 'is_active', 'sort_order', 'created_at',
  'updated_at'
]);
select col_is_pk('public', 'agent_features', 'id', 'id is the primary key');
select set_eq(
  $$select id from public.agent_features$$,
  array[
    'brainstorming', 'daily_qa', 'coding', 'mcp', 'news_search', 'tts_stt', 'image_generation',
    'analysis', 'writing', 'research', 'translation'
  ],
  'the seed lists exactly the 11 features of seed 002'
);
select is(
  (
    select count(*)::int from public.agent_features
    where is_active and icon is not null
  ), 11,
  'every seeded feature is active and has an icon'
);

-- service_role administers features.
select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into public.agent_features (id, name, category, is_active)
    values ('test_hidden', 'Hidden', 'technical', false)$$,
  'service_role inserts an inactive feature'
);
select is(
  (
    select count(*)::int from public.agent_features
    where id = 'test_hidden'
  ), 1,
  'service_role sees inactive features'
);
select is(
  (
    select category from public.agent_features
    where id = 'test_hidden'
  ), 'technical',
  'the inserted feature keeps its category'
);
select throws_ok(
  $$insert into public.agent_features (id, name) values ('Test Bad', 'Bad')$$,
  '23514', null, 'an id that is not a lowercase identifier is refused'
);
select throws_ok(
  $$insert into public.agent_features (id, name) values ('test_blank', ' ')$$,
  '23514', null, 'a blank name is refused'
);
select throws_ok(
  $$insert into public.agent_features (id, name, category) values ('test_cat', 'Cat', 'Creative Work')$$,
  '23514', null, 'a category that is not a lowercase identifier is refused'
);
select throws_ok(
  $$insert into public.agent_features (id, name, icon) values ('test_icon', 'Icon', '')$$,
  '23514', null, 'a blank icon is refused'
);
select throws_ok(
  $$insert into public.agent_features (id, name) values ('coding', 'Coding again')$$,
  '23505', null, 'a duplicate id is refused'
);
select lives_ok(
  $$update public.agent_features set sort_order = 35 where id = 'coding'$$,
  'service_role updates a feature'
);
select ok(
  (
    select updated_at = now() from public.agent_features
    where id = 'coding'
  ),
  'updated_at is stamped by the trigger'
);

-- anon and authenticated read active features only, and cannot write.
select tests.create_user('alice');
select tests.authenticate_as_anon();
select is(
  (
    select count(*)::int from public.agent_features
    where id = 'test_hidden'
  ), 0,
  'anon does not see inactive features'
);
select is(
  (select count(*)::int from public.agent_features), 11,
  'anon reads the 11 active features'
);
select throws_ok(
  $$insert into public.agent_features (id, name) values ('test_anon', 'Anon')$$,
  '42501', null, 'anon cannot insert features'
);
select throws_ok(
  $$update public.agent_features set name = 'Hacked' where id = 'coding'$$,
  '42501', null, 'anon cannot update features'
);

select tests.authenticate_as('alice');
select is(
  (
    select count(*)::int from public.agent_features
    where id = 'test_hidden'
  ), 0,
  'authenticated does not see inactive features'
);
select is(
  (select count(*)::int from public.agent_features), 11,
  'authenticated reads the 11 active features'
);
select throws_ok(
  $$insert into public.agent_features (id, name) values ('test_user', 'User')$$,
  '42501', null, 'authenticated cannot insert features'
);
select throws_ok(
  $$update public.agent_features set name = 'Hacked' where id = 'coding'$$,
  '42501', null, 'authenticated cannot update features'
);
select throws_ok(
  $$delete from public.agent_features where id = 'coding'$$,
  '42501', null, 'authenticated cannot delete features'
);

select tests.clear_authentication();
select is(
  (
    select name from public.agent_features
    where id = 'coding'
  ), 'Coding',
  'the feature is unchanged after the refused writes'
);

select * from finish();
rollback;
