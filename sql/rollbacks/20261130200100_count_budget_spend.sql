-- Rollback of 20261130200100_count_budget_spend.sql.
drop trigger ai_interactions_count_in_budgets_update on public.ai_interactions;
drop trigger ai_interactions_count_in_budgets_insert on public.ai_interactions;
drop function private.count_interactions_in_budgets();
drop trigger model_calls_count_in_budgets_update on public.model_calls;
drop trigger model_calls_count_in_budgets_insert on public.model_calls;
drop function private.count_model_calls_in_budgets();
drop function private.apply_budget_usage(uuid [], uuid [], text [], text [], timestamptz [], numeric []);
drop function private.add_budget_spend(uuid, date, numeric);
drop function private.budget_spend_of(uuid, date);
drop function private.lock_budget_users(uuid [], boolean);
