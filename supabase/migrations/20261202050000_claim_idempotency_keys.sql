-- Claims of idempotency keys for calls in flight (issue 14, the gateway). A retry of a
-- request whose first attempt is still waiting on the vendor used to reach the vendor too:
-- the key is only known to the ledger once the call is recorded, after the vendor answered,
-- so two attempts in flight were both paid for (the second record returned the first).
-- A caller now claims the key before calling the vendor and releases it in the transaction
-- that records the call: a second claim of the same key while the first is held is refused,
-- and the vendor is called once. A claim that is never released (the caller died) expires.

create table private.idempotency_key_claims (
  user_id uuid not null references auth.users (id) on delete cascade,
  idempotency_key text not null,
  expires_at timestamptz not null,
  primary key (user_id, idempotency_key)
);
comment on table private.idempotency_key_claims is
'Idempotency keys of model calls in flight: claimed by claim_idempotency_key before the vendor is called, deleted by release_idempotency_key when the call is recorded, ignored after expires_at. Written only by those functions.';

alter table private.idempotency_key_claims enable row level security;
revoke all on private.idempotency_key_claims from public, anon, authenticated, service_role;

-- Whose key: the caller's own, or (service_role) the user named.
create function private.idempotency_key_owner(function_name text, user_id uuid)
returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
begin
  if pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  ) then
    if idempotency_key_owner.user_id is null then
      raise exception using errcode = '22004', message = 'user_id: required with the service_role key';
    end if;
    return idempotency_key_owner.user_id;
  end if;
  if caller is null then
    raise exception using
      errcode = '42501',
      message = idempotency_key_owner.function_name || ': sign in, or call it with the service_role key';
  end if;
  if idempotency_key_owner.user_id is not null and idempotency_key_owner.user_id <> caller then
    raise exception using
      errcode = '42501', message = 'user_id: you may name only yourself';
  end if;
  return caller;
end;
$$;
comment on function private.idempotency_key_owner(text, uuid) is
'The user whose idempotency key a claim or release is about: the signed-in caller (naming nobody else), or the user named by service_role.';
revoke execute on function private.idempotency_key_owner(text, uuid)
from public, anon, authenticated, service_role;

create function private.check_idempotency_key(idempotency_key text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if check_idempotency_key.idempotency_key is null then
    raise exception using errcode = '22004', message = 'idempotency_key: required';
  end if;
  -- The same rule as model_calls.idempotency_key.
  if check_idempotency_key.idempotency_key !~ '\S'
    or length(check_idempotency_key.idempotency_key) > 200 then
    raise exception using
      errcode = '22023', message = 'idempotency_key: must be 1 to 200 characters, not blank';
  end if;
end;
$$;
comment on function private.check_idempotency_key(text) is
'Refuses a missing (22004) or malformed (22023) idempotency key, by the rule of model_calls.idempotency_key.';
revoke execute on function private.check_idempotency_key(text)
from public, anon, authenticated, service_role;

create function private.claim_idempotency_key(
  idempotency_key text, ttl_seconds integer, user_id uuid
)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owner uuid := private.idempotency_key_owner('claim_idempotency_key', claim_idempotency_key.user_id);
  claimed boolean;
begin
  perform private.check_idempotency_key(claim_idempotency_key.idempotency_key);
  if claim_idempotency_key.ttl_seconds is null then
    raise exception using errcode = '22004', message = 'ttl_seconds: required';
  elsif claim_idempotency_key.ttl_seconds not between 1 and 86400 then
    raise exception using errcode = '22023', message = 'ttl_seconds: must be from 1 to 86400';
  end if;
  -- The owner's expired claims (callers that died holding one) go first, so an expired
  -- claim of this key does not stand in the way.
  delete from private.idempotency_key_claims as c
  where c.user_id = owner and c.expires_at <= clock_timestamp();
  -- A concurrent claim of the same key waits here for the first claimer's transaction;
  -- once it commits, this one claims nothing.
  insert into private.idempotency_key_claims as c (user_id, idempotency_key, expires_at)
  values (
    owner, claim_idempotency_key.idempotency_key,
    clock_timestamp() + make_interval(secs => claim_idempotency_key.ttl_seconds)
  )
  on conflict do nothing
  returning true into claimed;
  return coalesce(claimed, false);
end;
$$;
comment on function private.claim_idempotency_key(text, integer, uuid) is
'The body of public.claim_idempotency_key (security definer, outside the exposed schema).';
revoke execute on function private.claim_idempotency_key(text, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function private.claim_idempotency_key(text, integer, uuid)
to authenticated, service_role;

create function private.release_idempotency_key(idempotency_key text, user_id uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owner uuid := private.idempotency_key_owner('release_idempotency_key', release_idempotency_key.user_id);
  released boolean;
begin
  perform private.check_idempotency_key(release_idempotency_key.idempotency_key);
  delete from private.idempotency_key_claims as c
  where c.user_id = owner and c.idempotency_key = release_idempotency_key.idempotency_key
  returning true into released;
  return coalesce(released, false);
end;
$$;
comment on function private.release_idempotency_key(text, uuid) is
'The body of public.release_idempotency_key (security definer, outside the exposed schema).';
revoke execute on function private.release_idempotency_key(text, uuid)
from public, anon, authenticated, service_role;
grant execute on function private.release_idempotency_key(text, uuid)
to authenticated, service_role;

create function public.claim_idempotency_key(
  idempotency_key text, ttl_seconds integer default 900, user_id uuid default null
)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.claim_idempotency_key(
    claim_idempotency_key.idempotency_key, claim_idempotency_key.ttl_seconds,
    claim_idempotency_key.user_id
  )
$$;
comment on function public.claim_idempotency_key(text, integer, uuid) is
'Claims an idempotency key for a model call about to be made (before the vendor is called): true when claimed, false when a claim of the same key is held and unexpired (another attempt is in flight: do not call the vendor). Release it with release_idempotency_key in the transaction that records the call; an unreleased claim expires after ttl_seconds (default 900). Keys are per user: the caller''s own, or with the service_role key the user_id named.';
revoke execute on function public.claim_idempotency_key(text, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.claim_idempotency_key(text, integer, uuid)
to authenticated, service_role;

create function public.release_idempotency_key(idempotency_key text, user_id uuid default null)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.release_idempotency_key(
    release_idempotency_key.idempotency_key, release_idempotency_key.user_id
  )
$$;
comment on function public.release_idempotency_key(text, uuid) is
'Releases a claim of claim_idempotency_key (call it in the transaction that records the call, so the claim ends exactly when the key is in the ledger): true when a claim was held. The caller''s own keys, or with the service_role key the user_id named.';
revoke execute on function public.release_idempotency_key(text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.release_idempotency_key(text, uuid)
to authenticated, service_role;
