begin;
\ir ../helpers.psql
select plan(39);

select tests.create_user('alice');
select tests.authenticate_as('alice');

-- name
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('   ', 'openai')$$,
  '23514', null, 'a blank name is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values (e'\t\n ', 'openai')$$,
  '23514', null, 'a name of tabs and newlines is blank and refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('Tabbed', 'openai', array[e'\t'])$$,
  '23514', null, 'a tag of whitespace is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('', 'openai')$$,
  '23514', null, 'an empty name is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values (repeat('n', 201), 'openai')$$,
  '23514', null, 'a name over 200 characters is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values (null, 'openai')$$,
  '23502', null, 'a missing name is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name) values ('No vendor')$$,
  '23502', null, 'a missing vendor is refused'
);

-- text lengths
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, description)
    values ('x', 'openai', repeat('d', 4001))$$,
  '23514', null, 'a description over 4000 characters is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, system_prompt)
    values ('x', 'openai', repeat('p', 100001))$$,
  '23514', null, 'a system prompt over 100000 characters is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, notes) values ('x', 'openai', repeat('n', 10001))$$,
  '23514', null, 'notes over 10000 characters are refused'
);

-- model_name
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, model_name) values ('x', 'openai', 'gpt 4o')$$,
  '23514', null, 'a model_name with a space is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, model_name) values ('x', 'openai', E'gpt-4o\n')$$,
  '23514', null, 'a model_name with a newline is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, model_name) values ('x', 'openai', '')$$,
  '23514', null, 'an empty model_name is refused'
);
select lives_ok(
  $$insert into public.ai_agents (name, vendor_id, model_name)
    values ('Dated model', 'openai', 'gpt-4o-2024-08-06')$$,
  'a model_name without whitespace is accepted'
);

-- configuration and capabilities are JSON objects
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, configuration) values ('x', 'openai', '[1, 2]')$$,
  '23514', null, 'a configuration that is an array is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, configuration) values ('x', 'openai', '"text"')$$,
  '23514', null, 'a configuration that is a string is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, configuration) values ('x', 'openai', 'null')$$,
  '23514', null, 'a configuration that is JSON null is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, configuration) values ('x', 'openai', null)$$,
  '23502', null, 'a SQL null configuration is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, configuration)
    values ('x', 'openai', jsonb_build_object('big', repeat('b', 70000)))$$,
  '23514', null, 'a configuration over 64 KiB is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, capabilities) values ('x', 'openai', '42')$$,
  '23514', null, 'capabilities that are not an object are refused'
);
select lives_ok(
  $$insert into public.ai_agents (name, vendor_id, configuration, capabilities)
    values ('Configured', 'openai', '{"temperature": 0.2}', '{"vision": true}')$$,
  'object configuration and capabilities are accepted'
);

-- tags
select lives_ok(
  $$insert into public.ai_agents (name, vendor_id, tags)
    values ('Fifty tags', 'openai', array(select 't' || g from generate_series(1, 50) as g))$$,
  '50 tags are accepted'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags)
    values ('x', 'openai', array(select 't' || g from generate_series(1, 51) as g))$$,
  '23514', null, 'more than 50 tags are refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('x', 'openai', '{ok,"  "}')$$,
  '23514', null, 'a blank tag is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('x', 'openai', '{""}')$$,
  '23514', null, 'an empty tag is refused'
);
select lives_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('Long tag', 'openai', array[repeat('t', 64)])$$,
  'a 64-character tag is accepted'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('x', 'openai', array[repeat('t', 65)])$$,
  '23514', null, 'a tag over 64 characters is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('x', 'openai', array['ok', null])$$,
  '23514', null, 'a null tag is refused'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id, tags) values ('x', 'openai', null)$$,
  '23502', null, 'null tags are refused (no tags is the empty array)'
);
select throws_ok(
  $$update public.ai_agents set tags = tags || array[null::text] where name = 'Long tag'$$,
  '23514', null, 'the tag rules hold on update too'
);
select is(
  (
    select count(*)::int from public.ai_agents
    where tags = '{}'
  ), 2,
  'tags default to the empty array'
);

-- The usage columns have their own constraints; only service_role writes them.
select tests.authenticate_as_service_role();
select throws_ok(
  $$update public.ai_agents set activity_score = 1.5 where name = 'Configured'$$,
  '23514', null, 'an activity_score above 1 is refused'
);
select throws_ok(
  $$update public.ai_agents set activity_score = -0.1 where name = 'Configured'$$,
  '23514', null, 'a negative activity_score is refused'
);
select throws_ok(
  $$update public.ai_agents set activity_score = 'NaN' where name = 'Configured'$$,
  '23514', null, 'a NaN activity_score is refused'
);
select lives_ok(
  $$update public.ai_agents set activity_score = 1 where name = 'Configured'$$,
  'an activity_score of 1 is accepted'
);
select lives_ok(
  $$update public.ai_agents set activity_score = 0 where name = 'Configured'$$,
  'an activity_score of 0 is accepted'
);
select throws_ok(
  $$update public.ai_agents set usage_count = -1 where name = 'Configured'$$,
  '23514', null, 'a negative usage_count is refused'
);
select throws_ok(
  $$update public.ai_agents set usage_count = null where name = 'Configured'$$,
  '23502', null, 'a null usage_count is refused'
);

select tests.clear_authentication();
select is(
  (select count(*)::int from public.ai_agents), 4,
  'only the four valid agents were stored'
);

select * from finish();
rollback;
