begin;
\ir ../helpers.psql
select plan(23);

select has_table('public', 'ai_usage_stats', 'ai_usage_stats exists');
select columns_are('public', 'ai_usage_stats', array[
  'id', 'user_id', 'date', 'total_interactions', 'unique_agents_used', 'total_duration_minutes',
  'feature_usage', 'vendor_usage', 'total_cost', 'total_input_tokens', 'total_output_tokens',
  'avg_satisfaction', 'avg_usefulness', 'created_at', 'updated_at', 'unpriced_events'
]);
select col_type_is(
  'public', 'ai_usage_stats', 'total_cost', 'numeric(38,8)',
  'total_cost is exact numeric(38,8): no number of interactions overflows it'
);
select col_type_is(
  'public', 'ai_usage_stats', 'total_input_tokens', 'bigint', 'total_input_tokens is bigint'
);
select col_type_is(
  'public', 'ai_usage_stats', 'total_output_tokens', 'bigint', 'total_output_tokens is bigint'
);
select index_is_unique(
  'public', 'ai_usage_stats', 'idx_ai_usage_stats_user_date', 'one row per user and date'
);
select index_is_primary('public', 'ai_usage_stats', 'ai_usage_stats_pkey', 'id is the primary key');
select indexes_are('public', 'ai_usage_stats', array[
  'ai_usage_stats_pkey', 'idx_ai_usage_stats_user_date', 'ai_usage_stats_date_idx'
]);
select ok(
  (
    select relrowsecurity from pg_class
    where oid = 'public.ai_usage_stats'::regclass
  ),
  'RLS is enabled'
);
select policies_are(
  'public', 'ai_usage_stats', array['ai_usage_stats_select_authenticated', 'ai_usage_stats_all_not_anonymous']
);
select table_privs_are('public', 'ai_usage_stats', 'anon', array[]::text [], 'anon has no privileges');
select table_privs_are(
  'public', 'ai_usage_stats', 'authenticated', array[]::text [],
  'authenticated only reads, by column (no system columns)'
);
select table_privs_are(
  'public', 'ai_usage_stats', 'service_role', array['SELECT'], 'service_role only reads'
);
select is(
  array(
    select a.attname::text from pg_attribute as a
    where
      a.attrelid = 'public.ai_usage_stats'::regclass and a.attnum > 0 and not a.attisdropped
      and (
        has_column_privilege('authenticated', a.attrelid, a.attnum, 'INSERT')
        or has_column_privilege('authenticated', a.attrelid, a.attnum, 'UPDATE')
        or has_column_privilege('service_role', a.attrelid, a.attnum, 'INSERT')
        or has_column_privilege('service_role', a.attrelid, a.attnum, 'UPDATE')
      )
  ),
  '{}'::text [],
  'no API role may write any column'
);

-- The functions: who may call them, and how they run.
select function_returns(
  'public', 'update_daily_usage_stats', array['date'], 'integer',
  'update_daily_usage_stats(date) returns the number of rows written'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_function_privilege(r.oid, 'public.update_daily_usage_stats(date)', 'execute')
  ),
  array['service_role'],
  'only service_role may refresh statistics'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_function_privilege(r.oid, 'public.update_agent_activity_score(uuid)', 'execute')
    order by r.rolname
  ),
  array['authenticated', 'service_role'],
  'signed-in users and service_role may refresh an activity score'
);
select is(
  array(
    select r.rolname::text from pg_roles as r
    where
      r.rolname in ('anon', 'authenticated', 'service_role')
      and has_function_privilege(r.oid, 'public.get_agent_usage_summary(uuid, integer)', 'execute')
    order by r.rolname
  ),
  array['authenticated', 'service_role'],
  'signed-in users and service_role may ask for a usage summary'
);
select is(
  array(
    select f.kind from (
      select p.proname || ':' || case when p.prosecdef then 'definer' else 'invoker' end || ':' || p.provolatile::text as kind
      from pg_proc as p
      where
        p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
        and p.proname in ('update_daily_usage_stats', 'update_agent_activity_score', 'get_agent_usage_summary')
    ) as f
    order by f.kind
  ),
  array[
    'get_agent_usage_summary:invoker:s', 'update_agent_activity_score:definer:v',
    'update_agent_activity_score:invoker:v', 'update_daily_usage_stats:definer:v'
  ],
  'only the functions that write columns clients cannot write are security definer (update_agent_activity_score''s body in private, behind an invoker RPC)'
);
select is(
  (
    select count(*)::int from pg_proc as p
    where
      p.pronamespace = 'public'::regnamespace
      and p.proname in ('update_daily_usage_stats', 'update_agent_activity_score', 'get_agent_usage_summary')
      and 'search_path=""' = any(p.proconfig)
  ),
  3,
  'all three pin an empty search_path'
);
select function_returns(
  'public', 'update_agent_activity_score', array['uuid'], 'real',
  'update_agent_activity_score(uuid) returns real'
);
select is(
  (
    select pg_get_function_arguments(p.oid) from pg_proc as p
    where p.oid = 'public.get_agent_usage_summary(uuid, integer)'::regprocedure
  ),
  'agent_id uuid, days integer DEFAULT 30',
  'get_agent_usage_summary takes agent_id and days (default 30)'
);

-- The daily schedule exists exactly where pg_cron is installed.
select is(
  tests.cron_job('agentsdb-daily-usage-stats'),
  case
    when
      exists (
        select from pg_extension
        where extname = 'pg_cron'
      )
      then '15 0 * * * select private.daily_usage_stats_of_open_day((now() at time zone ''UTC'')::date - 2), private.daily_usage_stats_of_open_day((now() at time zone ''UTC'')::date - 1)'
  end,
  'pg_cron (where installed) refreshes the day before yesterday and yesterday at 00:15 UTC'
);

select * from finish();
rollback;
