begin;
\ir ../helpers.psql
select plan(25);

select has_table('public', 'interaction_types', 'interaction_types exists');
select columns_are('public', 'interaction_types', array[
  'id', 'name', 'description', 'category', 'icon', 'color', 'is_active', 'sort_order',
  'created_at', 'updated_at'
]);
select col_is_pk('public', 'interaction_types', 'id', 'id is the primary key');
select is(
  (
    select count(*)::int from public.interaction_types
    where id in ('conversation', 'coding') and is_active
  ), 2,
  'the seed has the conversation and coding types, active'
);
select is(
  array(
    select t.id from public.interaction_types as t
    where t.color !~ '^#[0-9a-f]{6}$' or t.color is null
  ),
  '{}'::text [],
  'every seeded type has a #rrggbb color'
);

-- service_role administers interaction types.
select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into public.interaction_types (id, name, color, is_active)
    values ('test_hidden', 'Hidden', '#000000', false)$$,
  'service_role inserts an inactive type'
);
select is(
  (
    select count(*)::int from public.interaction_types
    where id = 'test_hidden'
  ), 1,
  'service_role sees inactive types'
);
select throws_ok(
  $$insert into public.interaction_types (id, name, color) values ('test_color', 'Color', 'blue')$$,
  '23514', null, 'a color that is not #rrggbb is refused'
);
select throws_ok(
  $$insert into public.interaction_types (id, name, color) values ('test_upper', 'Upper', '#ABCDEF')$$,
  '23514', null, 'an uppercase hex color is refused (colors are lowercase)'
);
select throws_ok(
  $$insert into public.interaction_types (id, name) values ('Test-Bad', 'Bad')$$,
  '23514', null, 'an id that is not a lowercase identifier is refused'
);
select throws_ok(
  $$insert into public.interaction_types (id, name) values ('test_blank', '')$$,
  '23514', null, 'a blank name is refused'
);
select throws_ok(
  $$insert into public.interaction_types (id, name, category) values ('test_cat', 'Cat', '9lives')$$,
  '23514', null, 'a category that is not a lowercase identifier is refused'
);
select throws_ok(
  $$insert into public.interaction_types (id, name, icon) values ('test_icon', 'Icon', repeat('i', 101))$$,
  '23514', null, 'an icon over 100 characters is refused'
);
select lives_ok(
  $$update public.interaction_types set color = '#111111' where id = 'conversation'$$,
  'service_role updates a type'
);
select ok(
  (
    select updated_at = now() from public.interaction_types
    where id = 'conversation'
  ),
  'updated_at is stamped by the trigger'
);

-- anon and authenticated read active types only, and cannot write.
select tests.create_user('alice');
select tests.authenticate_as_anon();
select is(
  (
    select count(*)::int from public.interaction_types
    where id = 'test_hidden'
  ), 0,
  'anon does not see inactive types'
);
select is(
  (
    select count(*)::int from public.interaction_types
    where id = 'conversation'
  ), 1,
  'anon reads active types'
);
select throws_ok(
  $$insert into public.interaction_types (id, name) values ('test_anon', 'Anon')$$,
  '42501', null, 'anon cannot insert types'
);
select throws_ok(
  $$delete from public.interaction_types where id = 'conversation'$$,
  '42501', null, 'anon cannot delete types'
);

select tests.authenticate_as('alice');
select is(
  (
    select count(*)::int from public.interaction_types
    where id = 'test_hidden'
  ), 0,
  'authenticated does not see inactive types'
);
select is(
  (
    select count(*)::int from public.interaction_types
    where id = 'coding'
  ), 1,
  'authenticated reads active types'
);
select throws_ok(
  $$insert into public.interaction_types (id, name) values ('test_user', 'User')$$,
  '42501', null, 'authenticated cannot insert types'
);
select throws_ok(
  $$update public.interaction_types set color = '#ffffff' where id = 'conversation'$$,
  '42501', null, 'authenticated cannot update types'
);
select throws_ok(
  $$delete from public.interaction_types where id = 'conversation'$$,
  '42501', null, 'authenticated cannot delete types'
);

select tests.clear_authentication();
select is(
  (
    select color from public.interaction_types
    where id = 'conversation'
  ), '#111111',
  'the type is unchanged after the refused writes'
);

select * from finish();
rollback;
