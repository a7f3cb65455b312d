-- Rollback of 20261130200200_create_budget_reservations.sql.
drop function public.admit_model_call(uuid, numeric, text, text, integer);
drop function private.admit_model_call(uuid, numeric, text, text, integer);
drop function private.budget_current_spend(public.budgets, text);
drop function private.budget_reserved(public.budgets);
drop function private.budget_covers(public.budgets, uuid, text, text);
drop table public.budget_reservations;
