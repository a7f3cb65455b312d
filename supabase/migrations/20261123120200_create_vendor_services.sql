-- Services (models and APIs) within each vendor (seed 002, section 1). Public read-only:
-- active services of active vendors are visible to everyone; only service_role writes.
create table public.vendor_services (
  id text primary key,
  vendor_id text not null references public.vendors (id) on update cascade on delete restrict,
  service_name text not null,
  display_name text not null,
  description text,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vendor_services_id_format check (id ~ '^[a-z][a-z0-9_]{1,127}$'),
  constraint vendor_services_id_prefixed_by_vendor check (starts_with(id, vendor_id || '_')),
  constraint vendor_services_service_name_format check (service_name ~ '^[^\s]{1,200}$'),
  constraint vendor_services_display_name_not_blank check (
    display_name ~ '\S' and length(display_name) <= 200
  ),
  constraint vendor_services_description_length check (length(description) <= 4000),
  constraint vendor_services_vendor_id_service_name_key unique (vendor_id, service_name),
  -- Target of the (service_id, vendor_id) foreign keys: a service must belong to its vendor.
  constraint vendor_services_id_vendor_id_key unique (id, vendor_id)
);

comment on table public.vendor_services is
'Individual services of a vendor (e.g. GPT-4o, Claude Sonnet). Adding one is an insert (or the add_vendor_service RPC).';
comment on column public.vendor_services.id is
'Stable identifier, the vendor id then an underscore and the service, e.g. openai_gpt4o.';
comment on column public.vendor_services.service_name is
'The identifier the vendor API uses, e.g. gpt-4o or claude-sonnet-4-5 (no whitespace).';
comment on column public.vendor_services.display_name is 'The name shown in a UI, e.g. GPT-4o.';
comment on column public.vendor_services.is_active is
'Inactive services (or services of an inactive vendor) are hidden from anon and authenticated users.';

-- The unique (vendor_id, service_name) index also serves the vendor_id foreign key.

create trigger vendor_services_set_updated_at
before update on public.vendor_services
for each row execute function private.set_updated_at();

alter table public.vendor_services enable row level security;

create policy vendor_services_select_everyone on public.vendor_services
for select to anon, authenticated
using (is_active and vendor_id in (
  select v.id from public.vendors as v
  where v.is_active
));

revoke all on public.vendor_services from anon, authenticated, service_role;
grant select on public.vendor_services to anon, authenticated;
grant select, delete on public.vendor_services to service_role;
grant insert (id, vendor_id, service_name, display_name, description, is_active)
on public.vendor_services to service_role;
grant update (vendor_id, service_name, display_name, description, is_active)
on public.vendor_services to service_role;
