-- The anonymous-user policies back to calling private.is_anonymous().

alter policy agent_feature_mappings_all_not_anonymous on public.agent_feature_mappings
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy agent_schedules_all_not_anonymous on public.agent_schedules
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy agent_status_history_all_not_anonymous on public.agent_status_history
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy agent_task_attempts_all_not_anonymous on public.agent_task_attempts
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy agent_task_dependencies_all_not_anonymous on public.agent_task_dependencies
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy agent_tasks_all_not_anonymous on public.agent_tasks
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy agent_usage_daily_all_not_anonymous on public.agent_usage_daily
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy ai_agent_configs_all_not_anonymous on public.ai_agent_configs
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy ai_agents_all_not_anonymous on public.ai_agents
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy ai_interactions_all_not_anonymous on public.ai_interactions
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy ai_usage_stats_all_not_anonymous on public.ai_usage_stats
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy audit_logs_all_not_anonymous on public.audit_logs
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy budget_alerts_all_not_anonymous on public.budget_alerts
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy budget_reservations_all_not_anonymous on public.budget_reservations
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy budgets_all_not_anonymous on public.budgets
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy interaction_messages_all_not_anonymous on public.interaction_messages
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy model_calls_all_not_anonymous on public.model_calls
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy usage_corrections_all_not_anonymous on public.usage_corrections
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy user_api_keys_all_not_anonymous on public.user_api_keys
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));

alter policy user_settings_all_not_anonymous on public.user_settings
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
