-- Rollback of 20261130190300_create_get_cost_breakdown.sql.
drop function public.get_cost_breakdown(text, text, date, date, uuid);
drop function private.cost_breakdown(text, text, date, date, uuid);
