-- One rule for is_active on both catalog paths (seed.sql and `agentsdb catalog sync`): an
-- existing vendor's or service's is_active changes only when the caller says so. The admin
-- RPCs defaulted it to true and wrote it on conflict, so a sync re-enabled what an admin had
-- deactivated; now null (the default) means "keep" (a new row is active). Their error
-- messages no longer echo argument values: a key pasted into the wrong argument must never
-- reach an error message or the server log.
create or replace function public.add_vendor(
  id text,
  name text,
  description text default null,
  auth_type text default 'api_key',
  base_url text default null,
  is_active boolean default null
)
returns setof public.vendors
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if add_vendor.id is null then
    raise exception using errcode = '22004', message = 'id: required';
  end if;
  if add_vendor.name is null then
    raise exception using errcode = '22004', message = 'name: required';
  end if;

  return query
  insert into public.vendors as v (id, name, description, auth_type, base_url, is_active)
  values (
    add_vendor.id, add_vendor.name, add_vendor.description, add_vendor.auth_type,
    add_vendor.base_url, coalesce(add_vendor.is_active, true)
  )
  on conflict on constraint vendors_pkey do update set
    name = excluded.name,
    description = excluded.description,
    auth_type = excluded.auth_type,
    base_url = excluded.base_url,
    is_active = coalesce(add_vendor.is_active, v.is_active)
  where
    (v.name, v.description, v.auth_type, v.base_url, v.is_active)
    is distinct from
    (
      excluded.name, excluded.description, excluded.auth_type, excluded.base_url,
      coalesce(add_vendor.is_active, v.is_active)
    )
  returning v.*;
  if not found then
    -- The vendor exists exactly as asked.
    return query select v.* from public.vendors as v where v.id = add_vendor.id;
  end if;
end;
$$;
comment on function public.add_vendor(text, text, text, text, text, boolean) is
'Adds a vendor, or makes the vendor with this id exactly as given (arguments left out take their defaults), and returns it. is_active is the exception: left out (null), a new vendor is active and an existing one keeps its is_active, so a catalog sync never re-enables what an admin deactivated; true or false sets it. Idempotent. service_role only.';

create or replace function public.add_vendor_service(
  vendor_id text,
  service_name text,
  display_name text default null,
  description text default null,
  id text default null,
  is_active boolean default null
)
returns setof public.vendor_services
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  service_id text := add_vendor_service.id;
  slug text;
begin
  if add_vendor_service.vendor_id is null then
    raise exception using errcode = '22004', message = 'vendor_id: required';
  end if;
  if add_vendor_service.service_name is null then
    raise exception using errcode = '22004', message = 'service_name: required';
  end if;
  if not exists (select from public.vendors as v where v.id = add_vendor_service.vendor_id) then
    raise exception using
      errcode = '23503',
      message = 'vendor_id: no vendor with this id',
      hint = 'Add the vendor first with add_vendor.';
  end if;

  if service_id is null then
    -- The service already known under this vendor and service_name keeps its id.
    select s.id into service_id from public.vendor_services as s
    where
      s.vendor_id = add_vendor_service.vendor_id
      and s.service_name = add_vendor_service.service_name;
  end if;
  if service_id is null then
    slug := btrim(regexp_replace(lower(add_vendor_service.service_name), '[^a-z0-9]+', '_', 'g'), '_');
    if slug = '' then
      raise exception using
        errcode = '22023',
        message = 'service_name: has no letter or digit to make an id from',
        hint = 'Pass id.';
    end if;
    service_id := add_vendor_service.vendor_id || '_' || slug;
  end if;
  if exists (
    select from public.vendor_services as s
    where s.id = service_id and s.vendor_id <> add_vendor_service.vendor_id
  ) then
    raise exception using
      errcode = '22023',
      message = 'id: names a service of another vendor';
  end if;

  return query
  insert into public.vendor_services as s (
    id, vendor_id, service_name, display_name, description, is_active
  ) values (
    service_id, add_vendor_service.vendor_id, add_vendor_service.service_name,
    coalesce(add_vendor_service.display_name, add_vendor_service.service_name),
    add_vendor_service.description, coalesce(add_vendor_service.is_active, true)
  )
  on conflict on constraint vendor_services_pkey do update set
    service_name = excluded.service_name,
    display_name = excluded.display_name,
    description = excluded.description,
    is_active = coalesce(add_vendor_service.is_active, s.is_active)
  where
    s.vendor_id = excluded.vendor_id
    and (s.service_name, s.display_name, s.description, s.is_active)
    is distinct from
    (
      excluded.service_name, excluded.display_name, excluded.description,
      coalesce(add_vendor_service.is_active, s.is_active)
    )
  returning s.*;
  if not found then
    -- The service exists exactly as asked (the vendor test guards against a concurrent
    -- insert of this id under another vendor since the check above).
    return query select s.* from public.vendor_services as s
    where s.id = service_id and s.vendor_id = add_vendor_service.vendor_id;
    if not found then
      raise exception using
        errcode = '22023',
        message = 'id: names a service of another vendor';
    end if;
  end if;
end;
$$;
comment on function public.add_vendor_service(text, text, text, text, text, boolean) is
'Adds a service to a vendor, or makes the service exactly as given, and returns it. Idempotent. id defaults to the id of the service with this vendor_id and service_name if there is one, else to vendor_id || ''_'' || service_name in lowercase with every run of characters other than a-z and 0-9 made one underscore (e.g. openai + gpt-4o-mini: openai_gpt_4o_mini); display_name defaults to service_name. is_active left out (null): a new service is active and an existing one keeps its is_active; true or false sets it. service_role only.';
