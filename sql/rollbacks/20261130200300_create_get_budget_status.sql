-- Rollback of 20261130200300_create_get_budget_status.sql.
drop function private.hard_budget_reached(uuid);
drop function public.get_budget_status(uuid);
drop function private.budget_status(uuid);
