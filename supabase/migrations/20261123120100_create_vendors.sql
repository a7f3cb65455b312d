-- The AI vendor catalog (seed 002, section 1). Public read-only metadata: anon and signed-in
-- users read the active vendors; only service_role writes.
create table public.vendors (
  id text primary key,
  name text not null,
  description text,
  auth_type text not null default 'api_key',
  base_url text,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vendors_id_format check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  constraint vendors_name_not_blank check (name ~ '\S' and length(name) <= 200),
  constraint vendors_description_length check (length(description) <= 4000),
  constraint vendors_auth_type_valid check (auth_type in ('api_key', 'oauth', 'bearer_token')),
  constraint vendors_base_url_http check (base_url ~ '^https?://[^\s]+$' and length(base_url) <= 2000)
);

comment on table public.vendors is
'AI vendors agentsdb knows (OpenAI, Anthropic, ...). Adding a vendor is an insert (or the add_vendor RPC), never a schema change.';
comment on column public.vendors.id is
'Stable identifier: lowercase letters, digits and underscores, e.g. openai, azure_openai.';
comment on column public.vendors.auth_type is
'How the vendor authenticates API calls: api_key, oauth or bearer_token.';
comment on column public.vendors.base_url is 'The vendor API base URL (http or https).';
comment on column public.vendors.is_active is
'Inactive vendors stay for history but are hidden from anon and authenticated users.';

create trigger vendors_set_updated_at
before update on public.vendors
for each row execute function private.set_updated_at();

alter table public.vendors enable row level security;

create policy vendors_select_everyone on public.vendors
for select to anon, authenticated
using (is_active);

revoke all on public.vendors from anon, authenticated, service_role;
grant select on public.vendors to anon, authenticated;
grant select, delete on public.vendors to service_role;
grant insert (id, name, description, auth_type, base_url, is_active) on public.vendors
to service_role;
grant update (name, description, auth_type, base_url, is_active) on public.vendors
to service_role;
