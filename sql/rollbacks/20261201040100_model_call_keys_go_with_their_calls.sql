-- Rollback of 20261201040100_model_call_keys_go_with_their_calls.sql: the keys' foreign key
-- to auth.users again, instead of the triggers on model_calls.
drop trigger model_calls_delete_keys_truncate on public.model_calls;
drop trigger model_calls_delete_keys_delete on public.model_calls;
drop function private.delete_keys_of_deleted_model_calls();
comment on table private.model_call_keys is
'The idempotency keys of model calls, unique per user across every month of the partitioned model_calls: written in the same statement as the call (a retried key writes nothing and finds the first record through model_call_id and started_at). Dropped with the month of their call by private.drop_history_before, and with their user.';
alter table private.model_call_keys add constraint model_call_keys_user_id_fkey
foreign key (user_id) references auth.users (id) on delete cascade;
