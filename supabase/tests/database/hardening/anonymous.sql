-- Issue 9, point 7: an anonymous sign-in (role authenticated, is_anonymous true in the JWT)
-- reads the catalog and nothing else, and writes nothing.
begin;
\ir ../helpers.psql
select plan(10);

select tests.create_user('guest');
select tests.create_user('bob');
select tests.authenticate_as('bob');
insert into public.ai_agents (name, vendor_id, is_public) values ('Bob shared', 'openai', true);
select tests.clear_authentication();

create function tests.authenticate_as_anonymous(identifier text)
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', tests.get_user_id(identifier), 'role', 'authenticated', 'aud', 'authenticated',
    'is_anonymous', true)::text, true);
end;
$$;
grant execute on function tests.authenticate_as_anonymous(text) to authenticated;

select tests.authenticate_as_anonymous('guest');
select ok((select count(*) > 0 from public.vendors), 'an anonymous user reads the vendors');
select ok((select count(*) > 0 from public.agent_features), 'and the features');
select is(
  (select count(*)::integer from public.ai_agents), 0, 'but not the public agents of others'
);
select is(
  (select count(*)::integer from public.agent_summary), 0, 'nor their summaries'
);
select throws_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('Mine', 'openai')$$,
  '42501', null, 'an anonymous user creates no agent'
);
select throws_ok(
  $$select public.store_user_api_key('openai', 'sk-anonymous-0000-1111')$$,
  '42501', null, 'nor stores an API key'
);
select is(
  (select count(*)::integer from public.audit_logs), 0, 'and reads no audit entries'
);

-- The same user once signed up (is_anonymous false) does everything.
select tests.authenticate_as('guest');
select lives_ok(
  $$insert into public.ai_agents (name, vendor_id) values ('Mine', 'openai')$$,
  'a signed-up user creates an agent'
);
select is(
  (select count(*)::integer from public.ai_agents), 2, 'and reads it and the public agent'
);
select lives_ok(
  $$select public.store_user_api_key('openai', 'sk-signed-up-0000-1111')$$,
  'and stores an API key'
);

select * from finish();
rollback;
