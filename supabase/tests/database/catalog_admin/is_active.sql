-- One rule for is_active: an existing vendor's or service's is_active changes only when the
-- caller passes it; left out, a new row is active and an existing one keeps its value.
begin;
\ir ../helpers.psql
select plan(8);

select tests.authenticate_as_service_role();
select public.add_vendor('acme_ai', 'Acme AI');
select public.add_vendor_service('acme_ai', 'acme-large');
select is(
  (
    select is_active from public.vendors
    where id = 'acme_ai'
  ), true, 'a new vendor is active'
);
select is(
  (
    select is_active from public.vendor_services
    where id = 'acme_ai_acme_large'
  ),
  true,
  'a new service is active'
);

-- An admin retires both.
select tests.clear_authentication();
update public.vendors set is_active = false
where id = 'acme_ai';
update public.vendor_services set is_active = false
where id = 'acme_ai_acme_large';

select tests.authenticate_as_service_role();
select public.add_vendor('acme_ai', 'Acme AI', 'Renamed nothing, described.');
select public.add_vendor_service('acme_ai', 'acme-large', 'Acme Large');
select is(
  (
    select row(is_active, description)::text from public.vendors
    where id = 'acme_ai'
  ),
  row(false, 'Renamed nothing, described.')::text,
  'add_vendor without is_active updates the vendor and keeps it deactivated'
);
select is(
  (
    select row(is_active, display_name)::text from public.vendor_services
    where id = 'acme_ai_acme_large'
  ),
  row(false, 'Acme Large')::text,
  'add_vendor_service without is_active updates the service and keeps it deactivated'
);
select is(
  (select is_active from public.add_vendor('acme_ai', 'Acme AI', is_active => null)),
  false,
  'is_active => null also means keep'
);

select is(
  (select is_active from public.add_vendor('acme_ai', 'Acme AI', is_active => true)),
  true,
  'add_vendor with is_active => true re-enables the vendor'
);
select is(
  (select is_active from public.add_vendor_service('acme_ai', 'acme-large', is_active => true)),
  true,
  'add_vendor_service with is_active => true re-enables the service'
);
select is(
  (select is_active from public.add_vendor_service('acme_ai', 'acme-large', is_active => false)),
  false,
  'add_vendor_service with is_active => false deactivates it'
);

select * from finish();
rollback;
