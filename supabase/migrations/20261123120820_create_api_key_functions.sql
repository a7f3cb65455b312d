-- The API key RPCs (seed 002, section 7): users store keys; services decrypt them, stamp
-- their use and rotate the key-encryption key. A stored key never comes back to a client.

-- Whether the role that called the current (definer) function may act as service_role:
-- the SET ROLE of the session (what PostgREST sets for each request) or, with none, the
-- session user. Superusers and the migration role (a member of service_role) pass; anon and
-- authenticated never do, so a mistaken EXECUTE grant cannot leak a key.
create function private.require_service_role(function_name text)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  caller text := coalesce(nullif(current_setting('role'), 'none'), session_user);
begin
  if not pg_catalog.pg_has_role(caller, 'service_role', 'member') then
    raise exception using
      errcode = '42501',
      message = function_name || ': only service_role may call this function',
      hint = 'Call it from a server with the service_role key.';
  end if;
end;
$$;
comment on function private.require_service_role(text) is
'Raises 42501 unless the calling role (SET ROLE, else the session user) is service_role, a member of it, or a superuser. Definer functions that only services may use call it first.';
revoke execute on function private.require_service_role(text)
from public, anon, authenticated, service_role;

-- Security definer and executable by authenticated on purpose (splinter 0029 reports it; see
-- docs/advisors.md): no client role may insert key rows or touch the ciphertexts and the KEK,
-- so this is the only way in. It acts for auth.uid() alone and never returns the key.
create function public.store_user_api_key(
  vendor_id text,
  api_key text,
  service_id text default null,
  display_name text default null
)
returns setof public.user_api_keys
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  current_kek_version integer;
  stored public.user_api_keys;
begin
  if caller is null then
    raise exception using
      errcode = '42501',
      message = 'store_user_api_key: sign in to store an API key',
      hint = 'Call it with a user''s access token.';
  end if;
  if store_user_api_key.vendor_id is null then
    raise exception using errcode = '22004', message = 'vendor_id: required';
  end if;
  -- Never put an argument's value in a message, a hint or a detail: a key passed in the
  -- wrong argument would end up in error logs.
  if store_user_api_key.api_key is null then
    raise exception using errcode = '22004', message = 'api_key: required';
  end if;
  if store_user_api_key.api_key !~ '\S' then
    raise exception using errcode = '22023', message = 'api_key: must not be blank';
  end if;
  if store_user_api_key.api_key ~ '\s' then
    raise exception using
      errcode = '22023',
      message = 'api_key: must not contain whitespace',
      hint = 'Paste the key alone, without spaces or line breaks.';
  end if;
  if char_length(store_user_api_key.api_key) not between 8 and 4096 then
    raise exception using errcode = '22023', message = 'api_key: must be 8 to 4096 characters long';
  end if;
  if not exists (
    select from public.vendors as v
    where v.id = store_user_api_key.vendor_id and v.is_active
  ) then
    raise exception using
      errcode = '23503',
      message = 'vendor_id: no active vendor with this id',
      hint = 'The active vendors are listed in the vendors table.';
  end if;
  if store_user_api_key.service_id is not null and not exists (
    select from public.vendor_services as s
    where
      s.id = store_user_api_key.service_id
      and s.vendor_id = store_user_api_key.vendor_id
      and s.is_active
  ) then
    raise exception using
      errcode = '23503',
      message = 'service_id: not an active service of this vendor',
      hint = 'The active services are listed in the vendor_services table.';
  end if;

  -- Two stores of the same (user, vendor, service) run one after the other, so the second
  -- deactivates the first instead of failing on the one-active-key index.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
    'user_api_keys/' || caller::text || '/' || store_user_api_key.vendor_id || '/'
    || coalesce(store_user_api_key.service_id, ''), 0
  ));
  -- A share lock on the KEK version: a rotation waits for this key, or this key waits for
  -- the rotation, so no key is encrypted under a KEK being replaced.
  select v.version into current_kek_version from private.api_key_kek_version as v for share;

  update public.user_api_keys as k set is_active = false
  where
    k.user_id = caller
    and k.vendor_id = store_user_api_key.vendor_id
    and coalesce(k.service_id, '') = coalesce(store_user_api_key.service_id, '')
    and k.is_active;

  insert into public.user_api_keys (
    user_id, vendor_id, service_id, encrypted_key, key_preview, display_name
  ) values (
    caller, store_user_api_key.vendor_id, store_user_api_key.service_id,
    'pgp-aes256:kek-v' || current_kek_version, right(store_user_api_key.api_key, 4),
    store_user_api_key.display_name
  )
  returning * into stored;

  insert into private.user_api_key_secrets (api_key_id, ciphertext, kek_version)
  values (
    stored.id,
    extensions.pgp_sym_encrypt(
      store_user_api_key.api_key, private.api_key_kek(), 'cipher-algo=aes256'
    ),
    current_kek_version
  );

  return next stored;
end;
$$;
comment on function public.store_user_api_key(text, text, text, text) is
'Stores the caller''s API key for a vendor (and optionally one of its services), AES-256 encrypted, and returns its row (key_preview only: the key never comes back). Deactivates the caller''s previous active key for the same vendor and service. Signed-in users only.';
revoke execute on function public.store_user_api_key(text, text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.store_user_api_key(text, text, text, text) to authenticated;

create function public.get_user_api_key(user_id uuid, vendor_id text, service_id text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  api_key text;
begin
  perform private.require_service_role('get_user_api_key');
  if get_user_api_key.user_id is null then
    raise exception using errcode = '22004', message = 'user_id: required';
  end if;
  if get_user_api_key.vendor_id is null then
    raise exception using errcode = '22004', message = 'vendor_id: required';
  end if;

  -- One statement, so the ciphertext and the KEK come from one snapshot even while a
  -- rotation commits (private.api_key_kek() is stable).
  select extensions.pgp_sym_decrypt(s.ciphertext, private.api_key_kek()) into api_key
  from private.user_api_key_secrets as s
  where s.api_key_id = (
    select k.id from public.user_api_keys as k
    where
      k.user_id = get_user_api_key.user_id
      and k.vendor_id = get_user_api_key.vendor_id
      and k.is_active
      and (k.service_id = get_user_api_key.service_id or k.service_id is null)
    order by k.service_id is null
    limit 1
  );
  if not found then
    raise exception using
      errcode = 'P0002',
      message = format(
        'api_key: no active key for vendor %L%s', get_user_api_key.vendor_id,
        case
          when get_user_api_key.service_id is null then ''
          else format(' (service %L)', get_user_api_key.service_id)
        end
      ),
      hint = 'The user stores one with store_user_api_key.';
  end if;
  return api_key;
end;
$$;
comment on function public.get_user_api_key(uuid, text, text) is
'The decrypted active API key of a user for a vendor and service. With a service_id and no active key for that service, falls back to the user''s active vendor-level key (service_id null); with service_id null, only a vendor-level key is returned. service_role only.';
revoke execute on function public.get_user_api_key(uuid, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.get_user_api_key(uuid, text, text) to service_role;

create function public.update_api_key_last_used(user_id uuid, vendor_id text, service_id text)
returns timestamptz
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  stamped timestamptz;
begin
  if update_api_key_last_used.user_id is null then
    raise exception using errcode = '22004', message = 'user_id: required';
  end if;
  if update_api_key_last_used.vendor_id is null then
    raise exception using errcode = '22004', message = 'vendor_id: required';
  end if;

  update public.user_api_keys as k set last_used_at = now()
  where k.id = (
    select a.id from public.user_api_keys as a
    where
      a.user_id = update_api_key_last_used.user_id
      and a.vendor_id = update_api_key_last_used.vendor_id
      and a.is_active
      and (a.service_id = update_api_key_last_used.service_id or a.service_id is null)
    order by a.service_id is null
    limit 1
  )
  returning k.last_used_at into stamped;
  if not found then
    raise exception using
      errcode = 'P0002',
      message = format(
        'api_key: no active key for vendor %L%s', update_api_key_last_used.vendor_id,
        case
          when update_api_key_last_used.service_id is null then ''
          else format(' (service %L)', update_api_key_last_used.service_id)
        end
      );
  end if;
  return stamped;
end;
$$;
comment on function public.update_api_key_last_used(uuid, text, text) is
'Stamps last_used_at (now) on the key get_user_api_key returns for the same arguments, and returns it. service_role only.';
revoke execute on function public.update_api_key_last_used(uuid, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.update_api_key_last_used(uuid, text, text) to service_role;

create function public.rotate_api_key_encryption_key()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  old_version integer;
  new_version integer;
  old_kek text;
  new_kek text := encode(extensions.gen_random_bytes(32), 'hex');
  kek_secret_id uuid;
  rotated integer;
begin
  perform private.require_service_role('rotate_api_key_encryption_key');
  -- Waits for keys being stored under the old KEK; new ones wait for this transaction.
  select v.version into old_version from private.api_key_kek_version as v for update;
  select s.id into kek_secret_id from vault.secrets as s where s.name = 'agentsdb_api_key_kek';
  if old_version is null or kek_secret_id is null then
    raise exception using
      errcode = '55000',
      message = 'agentsdb_api_key_kek: the API key-encryption key is missing from Vault';
  end if;
  new_version := old_version + 1;
  old_kek := private.api_key_kek();

  -- The key rows first, then their secrets: the order in which deleting a key (or its
  -- user) cascades. Secrets first deadlocked with a concurrent deletion of a key.
  update public.user_api_keys as k set encrypted_key = 'pgp-aes256:kek-v' || new_version
  where k.encrypted_key is distinct from 'pgp-aes256:kek-v' || new_version;

  update private.user_api_key_secrets as s set
    ciphertext = extensions.pgp_sym_encrypt(
      extensions.pgp_sym_decrypt(s.ciphertext, old_kek), new_kek, 'cipher-algo=aes256'
    ),
    kek_version = new_version,
    encrypted_at = now();
  get diagnostics rotated = row_count;

  perform vault.update_secret(kek_secret_id, new_kek);
  update private.api_key_kek_version as v set version = new_version, rotated_at = now();
  return rotated;
end;
$$;
comment on function public.rotate_api_key_encryption_key() is
'Replaces the API key-encryption key in Vault with a new random one and re-encrypts every stored key under it, in one transaction; returns the number of keys re-encrypted. Every key still decrypts to the same plaintext. service_role only.';
revoke execute on function public.rotate_api_key_encryption_key()
from public, anon, authenticated, service_role;
grant execute on function public.rotate_api_key_encryption_key() to service_role;
