-- Restores store_user_api_key and update_agent_activity_score as security definer functions
-- in public (20261123120820, 20261123121600), drops their private bodies and closes the
-- private schema to the API roles again.
create or replace function public.store_user_api_key(
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

create or replace function public.update_agent_activity_score(agent_id uuid)
returns real
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owner_id uuid;
  score real;
begin
  if update_agent_activity_score.agent_id is null then
    raise exception using
      errcode = '22004',
      message = 'agent_id: must not be null',
      hint = 'Pass the id of one of your agents.';
  end if;

  select a.user_id into owner_id
  from public.ai_agents as a
  where a.id = update_agent_activity_score.agent_id;

  -- Inside a definer function current_user is the owner; the caller is the `role` setting
  -- (what PostgREST sets per request), else the session user. Besides the agent's owner,
  -- only members of service_role pass (service_role, postgres and its pg_cron jobs,
  -- superusers): an allow-list, so a custom role that inherits authenticated is refused too.
  if not found or (
    owner_id is distinct from (select auth.uid())
    and not pg_catalog.pg_has_role(
      coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
    )
  ) then
    raise exception using
      errcode = 'P0002',
      message = 'agent_id: no such agent among yours',
      hint = 'Pass the id of an agent you own.';
  end if;

  score := private.compute_activity_score(update_agent_activity_score.agent_id, owner_id);

  update public.ai_agents as a
  set activity_score = score
  where a.id = update_agent_activity_score.agent_id;

  return score;
end;
$$;
comment on function public.update_agent_activity_score(uuid) is
'Computes, stores on ai_agents.activity_score and returns the agent''s activity score: 1 - exp(-S / 5), S = sum over its interactions started in the last 90 days of exp(-age_in_days / 14). In [0, 1): 0 without recent use; one interaction today gives 0.18, five 0.63, twenty 0.98; every interaction raises it and it decays as they age. Every status counts. Callable by the agent''s owner (anyone else''s or an unknown agent: P0002) and by service_role.';

drop function private.update_agent_activity_score(uuid);
drop function private.store_user_api_key(text, text, text, text);
revoke usage on schema private from authenticated, service_role;
