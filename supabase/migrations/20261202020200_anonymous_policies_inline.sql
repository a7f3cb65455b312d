-- The anonymous-user restrictive policies without a function call (issue 12). Each
-- evaluated `not (select private.is_anonymous())`: once per statement (an InitPlan), but a
-- call of a function with `set search_path` (which PostgreSQL cannot inline, and which
-- saves and restores the setting on every call). On a half-millisecond read (a month of
-- ai_usage_stats) that call and its InitPlan were most of the 1.2x between the user's read
-- and the owner's. The same test, written inline and still once per statement: the JWT's
-- is_anonymous claim is not the JSON true (a missing claim or no JWT at all is not
-- anonymous), exactly as private.is_anonymous() decides (kept for the definer functions).
-- auth.jwt() is written `(select auth.jwt())` inside the outer select, the form splinter's
-- auth_rls_initplan lint recognises; the whole test is still one InitPlan per statement.

alter policy agent_feature_mappings_all_not_anonymous on public.agent_feature_mappings
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy agent_schedules_all_not_anonymous on public.agent_schedules
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy agent_status_history_all_not_anonymous on public.agent_status_history
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy agent_task_attempts_all_not_anonymous on public.agent_task_attempts
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy agent_task_dependencies_all_not_anonymous on public.agent_task_dependencies
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy agent_tasks_all_not_anonymous on public.agent_tasks
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy agent_usage_daily_all_not_anonymous on public.agent_usage_daily
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy ai_agent_configs_all_not_anonymous on public.ai_agent_configs
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy ai_agents_all_not_anonymous on public.ai_agents
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy ai_interactions_all_not_anonymous on public.ai_interactions
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy ai_usage_stats_all_not_anonymous on public.ai_usage_stats
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy audit_logs_all_not_anonymous on public.audit_logs
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy budget_alerts_all_not_anonymous on public.budget_alerts
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy budget_reservations_all_not_anonymous on public.budget_reservations
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy budgets_all_not_anonymous on public.budgets
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy interaction_messages_all_not_anonymous on public.interaction_messages
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy model_calls_all_not_anonymous on public.model_calls
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy usage_corrections_all_not_anonymous on public.usage_corrections
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy user_api_keys_all_not_anonymous on public.user_api_keys
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');

alter policy user_settings_all_not_anonymous on public.user_settings
using ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true')
with check ((select (select auth.jwt()) ->> 'is_anonymous') is distinct from 'true');
