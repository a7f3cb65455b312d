begin;
\ir helpers.psql
select plan(16);

-- The helpers act as PostgREST would.
select tests.create_user('alice');
select tests.authenticate_as('alice');
select is(auth.uid(), tests.get_user_id('alice'), 'authenticate_as sets the sub claim');
select is(current_user::text, 'authenticated', 'authenticate_as sets the role');
select tests.authenticate_as_anon();
select is(auth.uid(), null, 'anon has no uid');
select is(auth.role(), 'anon', 'anon has the anon role claim');
select tests.clear_authentication();
select is(current_user::text, session_user::text, 'clear_authentication restores the role');

-- Every table in the exposed schema has row level security.
select is(
  array(
    select c.relname::text from pg_class as c
    where
      c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and not c.relrowsecurity
  ),
  '{}'::text [],
  'every public table has RLS enabled'
);

-- No function in the exposed schema is executable by PUBLIC.
select is(
  array(
    select p.oid::regprocedure::text from pg_proc as p
    where
      p.pronamespace = 'public'::regnamespace
      and exists (
        select from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) as a
        where a.grantee = 0
      )
  ),
  '{}'::text [],
  'no public function is executable by PUBLIC'
);

-- Every security definer function pins search_path.
select is(
  array(
    select p.oid::regprocedure::text from pg_proc as p
    where
      p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
      and p.prosecdef
      and not exists (
        select from unnest(p.proconfig) as c
        where c like 'search_path=%'
      )
  ),
  '{}'::text [],
  'every security definer function pins search_path'
);

-- Computed relationships: functions PostgREST embeds through (one argument of a relation's
-- row type, a relation's row type returned), restoring the embeds lost with foreign keys
-- (20261203030000, 20261203030100; tests/expected_rights.py EMBEDS).
select is(
  array(
    select p.proname || '(' || t.typname || ')'
    from pg_proc as p
    inner join pg_type as t on p.proargtypes[0] = t.oid
    where
      p.pronamespace = 'public'::regnamespace
      and p.pronargs = 1
      and t.typrelid in (
        select c.oid from pg_class as c
        where c.relkind in ('r', 'v', 'm', 'f', 'p')
      )
      and p.prorettype in (
        select c.reltype from pg_class as c
        where c.relkind in ('r', 'v', 'm', 'f', 'p')
      )
    order by 1
  ),
  array[
    'ai_agents(model_calls)',
    'ai_interactions(interaction_messages)',
    'ai_interactions(model_calls)',
    'interaction_messages(ai_interactions)',
    'interaction_messages(recent_interactions)',
    'model_calls(ai_interactions)',
    'recent_interactions(interaction_messages)',
    'service_prices(model_calls)',
    'vendor_services(model_calls)',
    'vendors(model_calls)'
  ],
  'the computed relationships PostgREST embeds through are exactly these'
);
select is(
  array(
    select p.oid::regprocedure::text
    from pg_proc as p
    inner join pg_type as t on p.proargtypes[0] = t.oid
    where
      p.pronamespace = 'public'::regnamespace
      and p.pronargs = 1
      and t.typrelid in (
        select c.oid from pg_class as c
        where c.relkind in ('r', 'v', 'm', 'f', 'p')
      )
      and p.prorettype in (
        select c.reltype from pg_class as c
        where c.relkind in ('r', 'v', 'm', 'f', 'p')
      )
      and (
        p.provolatile <> 's' or p.prosecdef or p.proconfig is distinct from '{"search_path=\"\""}'
        or coalesce(p.proargnames[1], '') <> ''
        or has_function_privilege('anon', p.oid, 'execute')
      )
  ),
  '{}'::text [],
  'each computed relationship is stable, security invoker, search_path pinned, its row unnamed (no /rpc), not for anon'
);

-- Every view in the exposed schema is security_invoker.
select is(
  array(
    select c.relname::text from pg_class as c
    where
      c.relnamespace = 'public'::regnamespace and c.relkind = 'v'
      and not coalesce(c.reloptions @> '{security_invoker=true}', false)
  ),
  '{}'::text [],
  'every public view is security_invoker'
);

-- splinter's security-definer lints, kept in every test run: no definer function in the
-- exposed schema is executable by anon or by authenticated (lints 0028 and 0029: the
-- Security Advisor reports none). The definer bodies the API reaches live in private, behind
-- security invoker RPCs of the same name in public, and are exactly the two of
-- docs/advisors.md (each checks its caller itself).
select is(
  array(
    select p.oid::regprocedure::text from pg_proc as p
    where
      p.pronamespace = 'public'::regnamespace
      and p.prosecdef
      and has_function_privilege('anon', p.oid, 'execute')
  ),
  '{}'::text [],
  'no security definer function in public is executable by anon'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc as p
    where
      p.pronamespace = 'public'::regnamespace
      and p.prosecdef
      and has_function_privilege('authenticated', p.oid, 'execute')
    order by 1
  ),
  '{}'::text [],
  'no security definer function in public is executable by authenticated'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc as p
    where
      p.pronamespace = 'private'::regnamespace
      and p.prosecdef
      and has_function_privilege('authenticated', p.oid, 'execute')
    order by 1
  ),
  array[
    'private.admit_model_call(uuid,numeric,text,text,integer)',
    'private.agent_interaction_totals(uuid,timestamp with time zone,timestamp with time zone)',
    'private.agent_lifetime_totals()',
    'private.budget_status(uuid)',
    'private.cancel_task(uuid)',
    'private.claim_idempotency_key(text,integer,uuid)',
    'private.cost_breakdown(text,text,date,date,uuid)',
    'private.hard_budget_reached(uuid)',
    'private.record_model_call(uuid,integer,integer,integer,integer,integer,text,text,text,uuid,text,text,text,integer,integer,timestamp with time zone,timestamp with time zone,numeric,jsonb,text,text)',
    'private.record_model_calls(jsonb)',
    'private.release_idempotency_key(text,uuid)',
    'private.settle_budget_reservations(uuid[],uuid[],boolean)',
    'private.store_user_api_key(text,text,text,text)',
    'private.update_agent_activity_score(uuid)'
  ],
  'the security definer functions signed-in users reach (through public invoker RPCs) are the accepted ones: keys, activity score, model calls, cost breakdown, agent usage totals (per agent and the caller''s lifetime sums), budgets, task cancel, idempotency key claims'
);

-- Every foreign key is served by an index that leads with its columns.
select is(
  array(
    select c.conrelid::regclass::text || '.' || c.conname
    from pg_constraint as c
    where
      c.contype = 'f'
      and c.connamespace = 'public'::regnamespace
      and not exists (
        select from pg_index as i
        where
          i.indrelid = c.conrelid
          and (i.indkey::int2 [])[0:cardinality(c.conkey) - 1] @> c.conkey
          and (i.indkey::int2 [])[0:cardinality(c.conkey) - 1] <@ c.conkey
      )
  ),
  '{}'::text [],
  'every foreign key has an index leading with its columns'
);

-- The private schema is closed to anon; signed-in users and service_role may use it only
-- to reach the two definer functions behind public RPCs (check constraints reach its
-- predicates by oid, with EXECUTE alone; tests/test_isolation_matrix.py checks every
-- private table and function).
select ok(
  not has_schema_privilege('anon', 'private', 'usage')
  and not has_schema_privilege('authenticated', 'private', 'create')
  and not has_schema_privilege('service_role', 'private', 'create'),
  'private is not usable by anon, and no API role may create in it'
);

select * from finish();
rollback;
