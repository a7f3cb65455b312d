-- The key lookups as an app calls them through PostgREST:
-- - service_id is optional (seed 002): PostgREST finds a function called with only user_id
--   and vendor_id only when the missing argument has a default.
-- - "no such key" is PT404, which PostgREST answers with HTTP 404 (P0002 was a 500).
-- - the message names no argument value: a key passed in the wrong argument (vendor_id)
--   was quoted into the error, and so into the server's log.
create or replace function public.get_user_api_key(
  user_id uuid, vendor_id text, service_id text default null
)
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
      errcode = 'PT404',
      message = 'api_key: no active key of this user for this vendor and service',
      hint = 'The user stores one with store_user_api_key.';
  end if;
  return api_key;
end;
$$;
comment on function public.get_user_api_key(uuid, text, text) is
'The decrypted active API key of a user for a vendor and service. With a service_id and no active key for that service, falls back to the user''s active vendor-level key (service_id null); with service_id null or left out, only a vendor-level key is returned. No such key: PT404 (HTTP 404). Errors never contain an argument''s value. service_role only.';

create or replace function public.update_api_key_last_used(
  user_id uuid, vendor_id text, service_id text default null
)
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
      errcode = 'PT404',
      message = 'api_key: no active key of this user for this vendor and service',
      hint = 'The user stores one with store_user_api_key.';
  end if;
  return stamped;
end;
$$;
comment on function public.update_api_key_last_used(uuid, text, text) is
'Stamps last_used_at (now) on the key get_user_api_key returns for the same arguments (service_id may be left out), and returns it. No such key: PT404 (HTTP 404). service_role only.';
