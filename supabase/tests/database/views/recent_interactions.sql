begin;
\ir ../helpers.psql
select plan(14);

select has_view('public', 'recent_interactions', 'recent_interactions exists');
select ok(
  (
    select reloptions @> '{security_invoker=true}' from pg_class
    where oid = 'public.recent_interactions'::regclass
  ),
  'recent_interactions is security_invoker, so RLS applies'
);
select hasnt_column(
  'public', 'recent_interactions', 'full_content', 'the dashboard view leaves the full transcript out'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_table_privilege(r.oid, 'public.recent_interactions', 'select')
    order by r.rolname
  ),
  array['authenticated', 'service_role'],
  'authenticated and service_role read it, anon does not'
);

select tests.create_user('alice');
select tests.create_user('bob');
insert into public.ai_agents (id, name, vendor_id, service_id, model_name, user_id) values
(
  'a0000000-0000-4000-8000-000000000001', 'Alice coder', 'anthropic', 'anthropic_claude_sonnet_4_5',
  'claude-sonnet-4-5', tests.get_user_id('alice')
),
('b0000000-0000-4000-8000-000000000001', 'Bob agent', 'openai', null, null, tests.get_user_id('bob'));
insert into public.ai_interactions (agent_id, title, user_id, started_at, interaction_type_id, status, total_cost)
values
(
  'a0000000-0000-4000-8000-000000000001', 'oldest', tests.get_user_id('alice'),
  '2026-05-01 09:00+00', 'conversation', 'completed', 0.01
),
(
  'a0000000-0000-4000-8000-000000000001', 'newest', tests.get_user_id('alice'),
  '2026-05-03 09:00+00', 'coding', 'active', 0.00000003
),
(
  'a0000000-0000-4000-8000-000000000001', 'middle', tests.get_user_id('alice'),
  '2026-05-02 09:00+00', null, 'archived', null
),
(
  'a0000000-0000-4000-8000-000000000001', 'hidden', tests.get_user_id('alice'),
  '2026-05-04 09:00+00', 'coding', 'deleted', 1
),
(
  'b0000000-0000-4000-8000-000000000001', 'bob''s', tests.get_user_id('bob'),
  '2026-05-05 09:00+00', 'research', 'active', 2
);

-- The owner.
select tests.authenticate_as('alice');
select results_eq(
  'select title from public.recent_interactions',
  array['newest', 'middle', 'oldest'],
  'alice''s interactions, newest first, without the deleted one'
);
select results_eq(
  'select title from public.recent_interactions limit 2',
  array['newest', 'middle'],
  'a limit takes the newest'
);
select results_eq(
  $$select agent_name, vendor_id, vendor_name, service_display_name, model_name,
      interaction_type_name, interaction_type_icon, interaction_type_color, total_cost, status
    from public.recent_interactions
    where title = 'newest'$$,
  $$values (
    'Alice coder', 'anthropic', 'Anthropic', 'Claude Sonnet 4.5', 'claude-sonnet-4-5',
    'Coding', 'code', '#8b5cf6', 0.00000003::numeric(16, 8), 'active'
  )$$,
  'each row carries its agent, vendor, service and interaction type'
);
select results_eq(
  $$select interaction_type_id, interaction_type_name, interaction_type_color
    from public.recent_interactions
    where title = 'middle'$$,
  $$values (null::text, null::text, null::text)$$,
  'an interaction without a type is listed with empty type columns'
);
select is_empty(
  $$select 1 from public.recent_interactions where title = 'bob''s'$$,
  'alice does not see bob''s interactions through the view'
);

-- The other user.
select tests.authenticate_as('bob');
select results_eq(
  'select title from public.recent_interactions',
  array['bob''s'],
  'bob sees only his own'
);

-- anon and service_role.
select tests.authenticate_as_anon();
select throws_ok('select 1 from public.recent_interactions', '42501', null, 'anon cannot read the view');
select tests.authenticate_as_service_role();
select results_eq(
  'select title from public.recent_interactions',
  array['bob''s', 'newest', 'middle', 'oldest'],
  'service_role sees every user''s interactions, newest first'
);

-- A soft-deleted interaction reappears when restored.
select tests.authenticate_as('alice');
update public.ai_interactions set status = 'archived'
where title = 'hidden';
select results_eq(
  'select title from public.recent_interactions limit 1',
  array['hidden'],
  'restoring a deleted interaction lists it again'
);
select is(
  (
    select usage_count from public.ai_agents
    where id = 'a0000000-0000-4000-8000-000000000001'
  ),
  4,
  'status only hides: the agent''s usage counts all four interactions throughout'
);

select * from finish();
rollback;
