-- Restores get_user_api_key and update_api_key_last_used as
-- 20261123120820_create_api_key_functions left them: service_id without a default (which
-- create or replace cannot remove, so they are dropped and created again).
drop function public.update_api_key_last_used(uuid, text, text);
drop function public.get_user_api_key(uuid, text, text);

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
