-- Rollback of 20261201040000_model_calls_user_checked_per_statement.sql: the per-row foreign
-- key of model_calls to auth.users again, and the reference check without the users.
-- The trigger on auth.users goes with its function: DROP TRIGGER needs the table's owner
-- (supabase_auth_admin; on Supabase, supautils' drop_trigger_grants may allow it), while a
-- function's owner may drop it with what depends on it. The trigger is its only dependent.
drop function private.delete_model_calls_of_deleted_users() cascade;
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
      hint = 'A model call names an existing vendor, vendor service of that vendor, and price.';
  end if;
  return null;
end;
$$;
comment on function private.model_calls_check_references() is
'Statement trigger on model_calls (after insert, after update; transition table new_rows): the foreign keys of the ledger to the catalog, checked once per statement. Locks the distinct vendors, (service, vendor) pairs and prices the rows name FOR KEY SHARE, as foreign keys do, and refuses the statement with 23503 if one does not exist.';
alter table public.model_calls add constraint model_calls_user_id_fkey
foreign key (user_id) references auth.users (id) on delete cascade;
