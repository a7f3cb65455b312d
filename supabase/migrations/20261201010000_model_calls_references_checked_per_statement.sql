-- Ingest at half a bare COPY (issue 10): the references of model_calls to the catalog
-- (vendors, vendor_services, service_prices) are checked once per statement instead of once
-- per row. The three foreign keys made every inserted call run three RI queries and take
-- three row locks (3,000 per batch of 1,000 calls); a batch references a handful of catalog
-- rows. Instead:
-- - a statement trigger on model_calls (after insert, after update) locks the distinct
--   vendors, (service, vendor) pairs and prices the statement's rows name FOR KEY SHARE, as
--   the foreign keys did, and refuses the statement (23503) if one does not exist. It binds
--   every writer: the record functions, re-pricing, and the tables' owner writing directly
--   (no API role may write model_calls at all: only SELECT is granted);
-- - row triggers on the catalog tables refuse deleting a referenced row, or changing its key
--   (vendors.id; vendor_services.id or vendor_id; service_prices.id or service_id), with
--   23503. The foreign keys were ON UPDATE CASCADE: a new id would have rewritten the ledger's
--   history (the vendor and service actually called, the price used). Now the change is
--   refused while calls reference the row: the ledger records what was called, and a catalog
--   rename is an insert of the new row plus, if wanted, an explicit correction.
-- The user's foreign key (on delete cascade) stays.
-- Race-free like the foreign keys: the writer locks the catalog rows after inserting, the
-- catalog side checks after deleting (an AFTER trigger, whose query sees what was committed
-- while it waited for the writer's lock).
-- Dropping these foreign keys is the point: the checks move to once per statement.
-- squawk-ignore ban-drop-constraint
alter table public.model_calls drop constraint model_calls_vendor_id_fkey;
-- squawk-ignore ban-drop-constraint
alter table public.model_calls drop constraint model_calls_service_belongs_to_vendor;
-- squawk-ignore ban-drop-constraint
alter table public.model_calls drop constraint model_calls_price_id_fkey;

create function private.model_calls_check_references()
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
revoke execute on function private.model_calls_check_references()
from public, anon, authenticated, service_role;

create trigger model_calls_check_references_insert
after insert on public.model_calls
referencing new table as new_rows
for each statement execute function private.model_calls_check_references();
create trigger model_calls_check_references_update
after update on public.model_calls
referencing new table as new_rows
for each statement execute function private.model_calls_check_references();

-- The catalog side: a row the ledger references is neither deleted nor re-keyed. One trigger
-- function per table (after delete, after a key change), each refusing with 23503 while
-- model_calls names the row. (Sequential scans off: "exists" looks cheap by a scan that stops
-- at the first match, but a row no call names would be read to the end of model_calls; the
-- service index bounds it.)
create function private.vendors_keep_their_calls()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
set enable_seqscan = off
as $$
begin
  -- A call names its vendor with one of the vendor's services (whose own guard covers it)
  -- or with no service: both found by the service index.
  if exists (
    select from public.model_calls as m where m.service_id is null and m.vendor_id = old.id
  ) or exists (
    select from public.vendor_services as s
    inner join public.model_calls as m on s.id = m.service_id and s.vendor_id = m.vendor_id
    where s.vendor_id = old.id
  ) then
    raise exception using
      errcode = '23503',
      message = format(
        'vendors.id: model calls reference this row; it cannot be %s',
        case when tg_op = 'DELETE' then 'deleted' else 'given another key' end
      ),
      hint = 'The usage ledger keeps the vendor of every call. Deactivate the vendor (is_active) instead.';
  end if;
  return null;
end;
$$;
comment on function private.vendors_keep_their_calls() is
'Row trigger (after delete, after an id change) on vendors: refuses (23503) while model_calls names the vendor (the ledger''s foreign key, checked from the catalog side).';
revoke execute on function private.vendors_keep_their_calls()
from public, anon, authenticated, service_role;

create function private.vendor_services_keep_their_calls()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
set enable_seqscan = off
as $$
begin
  if exists (
    select from public.model_calls as m where m.service_id = old.id and m.vendor_id = old.vendor_id
  ) then
    raise exception using
      errcode = '23503',
      message = format(
        'vendor_services.id: model calls reference this row; it cannot be %s',
        case when tg_op = 'DELETE' then 'deleted' else 'given another key' end
      ),
      hint = 'The usage ledger keeps the service of every call. Deactivate the service (is_active) instead.';
  end if;
  return null;
end;
$$;
comment on function private.vendor_services_keep_their_calls() is
'Row trigger (after delete, after an id or vendor_id change) on vendor_services: refuses (23503) while model_calls names the (service, vendor) pair.';
revoke execute on function private.vendor_services_keep_their_calls()
from public, anon, authenticated, service_role;

create function private.service_prices_keep_their_calls()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
set enable_seqscan = off
as $$
begin
  -- Calls name the price with its service (the price of a call is one of its service's), so
  -- the service index finds them.
  if exists (
    select from public.model_calls as m where m.service_id = old.service_id and m.price_id = old.id
  ) then
    raise exception using
      errcode = '23503',
      message = format(
        'service_prices.id: model calls reference this row; it cannot be %s',
        case when tg_op = 'DELETE' then 'deleted' else 'given another key' end
      ),
      hint = 'The usage ledger keeps the price of every priced call. End the price (valid_until) instead.';
  end if;
  return null;
end;
$$;
comment on function private.service_prices_keep_their_calls() is
'Row trigger (after delete, after an id or service_id change) on service_prices: refuses (23503) while model_calls names the price.';
revoke execute on function private.service_prices_keep_their_calls()
from public, anon, authenticated, service_role;

create trigger vendors_keep_their_calls_delete
after delete on public.vendors
for each row execute function private.vendors_keep_their_calls();
create trigger vendors_keep_their_calls_update
after update of id on public.vendors
for each row when (old.id is distinct from new.id)
execute function private.vendors_keep_their_calls();

create trigger vendor_services_keep_their_calls_delete
after delete on public.vendor_services
for each row execute function private.vendor_services_keep_their_calls();
create trigger vendor_services_keep_their_calls_update
after update of id, vendor_id on public.vendor_services
for each row when ((old.id, old.vendor_id) is distinct from (new.id, new.vendor_id))
execute function private.vendor_services_keep_their_calls();

create trigger service_prices_keep_their_calls_delete
after delete on public.service_prices
for each row execute function private.service_prices_keep_their_calls();
create trigger service_prices_keep_their_calls_update
after update of id, service_id on public.service_prices
for each row when ((old.id, old.service_id) is distinct from (new.id, new.service_id))
execute function private.service_prices_keep_their_calls();

-- TRUNCATE skips row triggers: with calls recorded, the catalog tables are not truncated
-- (a foreign key refused it the same way).
create function private.catalog_keeps_its_calls_on_truncate()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if exists (select from public.model_calls) then
    raise exception using
      errcode = '23503',
      message = format('%s: model calls reference the catalog; it cannot be truncated', tg_table_name);
  end if;
  return null;
end;
$$;
comment on function private.catalog_keeps_its_calls_on_truncate() is
'Statement trigger (before truncate) on vendors, vendor_services and service_prices: refuses (23503) while model_calls has rows.';
revoke execute on function private.catalog_keeps_its_calls_on_truncate()
from public, anon, authenticated, service_role;
create trigger vendors_keep_their_calls_truncate
before truncate on public.vendors
for each statement execute function private.catalog_keeps_its_calls_on_truncate();
create trigger vendor_services_keep_their_calls_truncate
before truncate on public.vendor_services
for each statement execute function private.catalog_keeps_its_calls_on_truncate();
create trigger service_prices_keep_their_calls_truncate
before truncate on public.service_prices
for each statement execute function private.catalog_keeps_its_calls_on_truncate();

comment on column public.model_calls.vendor_id is
'The vendor actually called, at the time of the call. Checked once per statement (model_calls_check_references); the vendor cannot be deleted or re-keyed while calls name it.';
comment on column public.model_calls.price_id is
'The price the cost was computed with; null when supplied or unpriced. Checked once per statement; the price cannot be deleted or re-keyed while calls name it.';
