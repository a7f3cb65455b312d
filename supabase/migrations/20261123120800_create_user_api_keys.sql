-- Users' third-party API keys (seed 002, sections 1 and 8): what a client may see of them.
-- The key material itself is never in this table: its ciphertext lives in
-- private.user_api_key_secrets (next migration), which no API role can read. Owners read,
-- rename, deactivate and delete their own rows; keys are stored only through the
-- store_user_api_key RPC, and only service_role decrypts (get_user_api_key).
create table public.user_api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  vendor_id text not null references public.vendors (id) on update cascade on delete restrict,
  service_id text,
  encrypted_key text not null,
  key_preview text not null,
  display_name text,
  is_active boolean not null default true,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_api_keys_service_belongs_to_vendor foreign key (service_id, vendor_id)
  references public.vendor_services (id, vendor_id) on update cascade on delete restrict,
  constraint user_api_keys_encrypted_key_is_envelope_label check (
    encrypted_key ~ '^pgp-aes256:kek-v[1-9][0-9]{0,8}$'
  ),
  constraint user_api_keys_key_preview_four_characters check (
    char_length(key_preview) = 4 and key_preview !~ '\s'
  ),
  constraint user_api_keys_display_name_not_blank check (
    display_name ~ '\S' and length(display_name) <= 200
  )
);

comment on table public.user_api_keys is
'Users'' vendor API keys, AES-256 encrypted at rest. This table holds only what a client may see (key_preview, the last 4 characters); the ciphertext is in private.user_api_key_secrets, which no API role can read, so select * is safe. Store keys with store_user_api_key(); services decrypt with get_user_api_key().';
comment on column public.user_api_keys.user_id is
'Owner; defaults to the caller. Deleting the user deletes their keys and the key material.';
comment on column public.user_api_keys.service_id is
'Optional vendor service the key is for; when set it must be a service of vendor_id. Null: a key for the whole vendor.';
comment on column public.user_api_keys.encrypted_key is
'Not the key: a non-secret envelope label telling how the key is encrypted, pgp-aes256:kek-vN (OpenPGP AES-256 under version N of the key-encryption key in Vault). The ciphertext itself is kept in private.user_api_key_secrets, out of every client''s reach; the label changes when the key-encryption key is rotated.';
comment on column public.user_api_keys.key_preview is
'The last 4 characters of the key, for UIs. The only part of the key a client can ever read.';
comment on column public.user_api_keys.display_name is 'User-friendly name of the key.';
comment on column public.user_api_keys.is_active is
'At most one active key per (user, vendor, service); storing a new key deactivates the previous one.';
comment on column public.user_api_keys.last_used_at is
'When a service last used the key (update_api_key_last_used); not writable by clients.';

-- idx_user_api_keys_vendor is the name seed 002 (section 6) gives; it also serves the
-- vendor_id foreign key.
create index idx_user_api_keys_vendor on public.user_api_keys (vendor_id);
create index user_api_keys_user_id_idx on public.user_api_keys (user_id);
create index user_api_keys_service_id_vendor_id_idx on public.user_api_keys (service_id, vendor_id);
-- service_id is null for a vendor-level key, so the uniqueness is on coalesce(service_id, '').
create unique index user_api_keys_one_active_per_service_idx
on public.user_api_keys (user_id, vendor_id, coalesce(service_id, '')) where is_active;

create trigger user_api_keys_set_updated_at
before update on public.user_api_keys
for each row execute function private.set_updated_at();

alter table public.user_api_keys enable row level security;

create policy user_api_keys_select_authenticated on public.user_api_keys
for select to authenticated
using (user_id = (select auth.uid()));

create policy user_api_keys_update_authenticated on public.user_api_keys
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create policy user_api_keys_delete_authenticated on public.user_api_keys
for delete to authenticated
using (user_id = (select auth.uid()));

-- No insert grant to any API role: a key row without its ciphertext would be a lie, so
-- rows are created only by store_user_api_key. anon gets nothing at all.
revoke all on public.user_api_keys from anon, authenticated, service_role;
grant select, delete on public.user_api_keys to authenticated, service_role;
grant update (display_name, is_active) on public.user_api_keys to authenticated;
grant update (display_name, is_active, last_used_at) on public.user_api_keys to service_role;
