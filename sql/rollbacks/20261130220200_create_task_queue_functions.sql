-- Rollback of 20261130220200_create_task_queue_functions.sql.
drop function public.add_task(uuid, jsonb, text, integer, timestamptz, integer, integer, uuid []);
drop function public.cancel_task(uuid);
drop function private.cancel_task(uuid);
drop function public.fail_task(uuid, text, text, boolean);
drop function public.complete_task(uuid, jsonb, text);
drop function private.running_task(uuid, text);
drop function public.claim_next_task(text, integer, uuid);
drop function private.release_expired_task_claims(integer);
drop function private.task_owner_over_hard_budget(uuid);
drop function private.task_retry_delay(integer, integer);
