-- Ingest at half a bare COPY (issue 10), third pass: the user of model_calls checked once per
-- statement, like the catalog references (20261201010000). The foreign key
-- model_calls.user_id -> auth.users (id) on delete cascade ran one RI query and took one row
-- lock per inserted call (about 5 ms of a 1,000-call batch); a batch names one user, or a few.
-- - private.model_calls_check_references (the statement trigger of inserts and updates) also
--   locks the distinct users the rows name FOR KEY SHARE, as the foreign key did, and refuses
--   the statement with 23503 (model_calls.user_id: not present in users) if one is missing.
-- - Deleting a user still deletes their calls: a statement trigger after delete on auth.users
--   (agentsdb_delete_model_calls) deletes the deleted users' calls and idempotency keys.
--   A foreign key cannot be kept for its cascade alone: it always checks inserts.
-- Race-free as the foreign key was, in READ COMMITTED: a writer that locked the user first
-- makes the delete wait, and the trigger's delete (a new snapshot) then sees its calls; a
-- writer that comes after the delete finds the user gone. In REPEATABLE READ or SERIALIZABLE
-- the trigger's delete would read the transaction's snapshot and could miss calls committed
-- after it (the foreign key's cascade checks against the latest snapshot, which a trigger
-- cannot), so deleting a user there is refused (0A000).
-- squawk-ignore ban-drop-constraint
alter table public.model_calls drop constraint model_calls_user_id_fkey;

create or replace function private.model_calls_check_references()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: newtable = new_rows
declare
  missing text;
begin
  with
  user_ids as (select distinct n.user_id as id from new_rows as n),
  locked_users as (
    select u.id from auth.users as u
    where u.id in (select k.id from user_ids as k)
    order by u.id
    for key share
  ),
  vendor_ids as (select distinct n.vendor_id as id from new_rows as n),
  locked_vendors as (
    select v.id from public.vendors as v
    where v.id in (select k.id from vendor_ids as k)
    order by v.id
    for key share
  ),
  service_keys as (
    select distinct n.service_id as id, n.vendor_id from new_rows as n where n.service_id is not null
  ),
  locked_services as (
    select s.id, s.vendor_id from public.vendor_services as s
    where (s.id, s.vendor_id) in (select k.id, k.vendor_id from service_keys as k)
    order by s.id
    for key share
  ),
  price_ids as (select distinct n.price_id as id from new_rows as n where n.price_id is not null),
  locked_prices as (
    select p.id from public.service_prices as p
    where p.id in (select k.id from price_ids as k)
    order by p.id
    for key share
  )
  select coalesce(
    (
      select format('user_id|(user_id)=(%s)|users', k.id) from user_ids as k
      where k.id not in (select l.id from locked_users as l) limit 1
    ),
    (
      select format('vendor_id|(vendor_id)=(%s)|vendors', k.id) from vendor_ids as k
      where k.id not in (select l.id from locked_vendors as l) limit 1
    ),
    (
      select format('service_id|(service_id, vendor_id)=(%s, %s)|vendor_services', k.id, k.vendor_id)
      from service_keys as k
      where (k.id, k.vendor_id) not in (select l.id, l.vendor_id from locked_services as l) limit 1
    ),
    (
      select format('price_id|(price_id)=(%s)|service_prices', k.id) from price_ids as k
      where k.id not in (select l.id from locked_prices as l) limit 1
    )
  ) into missing;
  if missing is not null then
    raise exception using
      errcode = '23503',
      message = format(
        'model_calls.%s: not present in %s', split_part(missing, '|', 1), split_part(missing, '|', 3)
      ),
      detail = format('Key %s is not present.', split_part(missing, '|', 2)),
      hint = 'A model call names an existing user, vendor, vendor service of that vendor, and price.';
  end if;
  return null;
end;
$$;
comment on function private.model_calls_check_references() is
'Statement trigger on model_calls (after insert, after update; transition table new_rows): the foreign keys of the ledger to auth.users and the catalog, checked once per statement. Locks the distinct users, vendors, (service, vendor) pairs and prices the rows name FOR KEY SHARE, as foreign keys do, and refuses the statement with 23503 if one does not exist.';

create function private.delete_model_calls_of_deleted_users()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = deleted_users
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception using
      errcode = '0A000',
      message = format(
        'auth.users: a user is deleted with their model calls in READ COMMITTED only, not %s',
        upper(current_setting('transaction_isolation'))
      ),
      hint = 'The calls are deleted by a trigger reading the transaction''s snapshot: '
        || 'in this isolation level it could miss calls recorded concurrently. '
        || 'Delete the user in a READ COMMITTED transaction.';
  end if;
  delete from public.model_calls as m
  where m.user_id in (select d.id from deleted_users as d);
  delete from private.model_call_keys as k
  where k.user_id in (select d.id from deleted_users as d);
  return null;
end;
$$;
comment on function private.delete_model_calls_of_deleted_users() is
'Statement trigger on auth.users (after delete; transition table deleted_users): deletes the deleted users'' model calls and idempotency keys (the cascade of the former foreign key model_calls.user_id, which is checked per statement by private.model_calls_check_references). Refuses (0A000) outside READ COMMITTED, where its snapshot could miss calls recorded concurrently.';
revoke execute on function private.delete_model_calls_of_deleted_users()
from public, anon, authenticated, service_role;

create trigger agentsdb_delete_model_calls
after delete on auth.users
referencing old table as deleted_users
for each statement execute function private.delete_model_calls_of_deleted_users();
