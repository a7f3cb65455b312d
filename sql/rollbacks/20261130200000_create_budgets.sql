-- Rollback of 20261130200000_create_budgets.sql (dropping the table also takes it out of
-- the supabase_realtime publication).
drop function public.acknowledge_budget_alert(uuid);
drop table public.budget_alerts;
drop table private.budget_spend;
drop function private.user_time_zone(uuid);
drop function private.local_day_start(date, text);
drop function private.budget_period_next_day(text, date);
drop function private.budget_period_first_day(text, date);
drop table public.budgets;
drop function private.budget_thresholds_valid(numeric []);
