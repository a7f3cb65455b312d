-- Rollback of 20261130200110_write_budget_alerts.sql.
drop trigger user_settings_rebuild_budget_spend on public.user_settings;
drop function private.rebuild_budget_spend_on_time_zone();
drop trigger budgets_refresh_after_update on public.budgets;
drop trigger budgets_refresh_after_insert on public.budgets;
drop function private.budgets_changed();
drop function private.refresh_current_budget_periods(uuid []);
drop trigger budget_spend_alert_update on private.budget_spend;
drop trigger budget_spend_alert_insert on private.budget_spend;
drop function private.write_budget_alerts();
