-- Ingest at half a bare COPY (issue 10), third pass: the idempotency keys without their
-- per-row foreign key to auth.users (one RI query and one row lock per keyed call). A key goes
-- with its call instead:
-- - a statement trigger after delete on model_calls (transition table) deletes the deleted
--   calls' keys (by the primary key: the call carries its user and key);
-- - TRUNCATE of model_calls truncates the keys;
-- - deleting a user deletes their calls (agentsdb_delete_model_calls on auth.users, which also
--   deletes the user's keys), and a key is only ever written in the statement that inserts its
--   call, whose user that statement locks (private.model_calls_check_references);
-- - dropping a month (private.drop_history_before) deletes that month's keys, as before.
-- squawk-ignore ban-drop-constraint
alter table private.model_call_keys drop constraint model_call_keys_user_id_fkey;
comment on table private.model_call_keys is
'The idempotency keys of model calls, unique per user across every month of the partitioned model_calls: written in the same statement as the call (a retried key writes nothing and finds the first record through model_call_id and started_at). Deleted with their call (a trigger on model_calls; TRUNCATE of model_calls truncates them), with the month of their call by private.drop_history_before, and with their user.';

create function private.delete_keys_of_deleted_model_calls()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = deleted_calls
begin
  if tg_op = 'TRUNCATE' then
    truncate private.model_call_keys;
    return null;
  end if;
  delete from private.model_call_keys as k
  using deleted_calls as d
  where
    d.idempotency_key is not null
    and k.user_id = d.user_id
    and k.idempotency_key = d.idempotency_key
    and k.model_call_id = d.id;
  return null;
end;
$$;
comment on function private.delete_keys_of_deleted_model_calls() is
'Statement trigger on model_calls (after delete, transition table deleted_calls; after truncate): the idempotency keys of the deleted calls leave with them.';
revoke execute on function private.delete_keys_of_deleted_model_calls()
from public, anon, authenticated, service_role;

create trigger model_calls_delete_keys_delete
after delete on public.model_calls
referencing old table as deleted_calls
for each statement execute function private.delete_keys_of_deleted_model_calls();
create trigger model_calls_delete_keys_truncate
after truncate on public.model_calls
for each statement execute function private.delete_keys_of_deleted_model_calls();
