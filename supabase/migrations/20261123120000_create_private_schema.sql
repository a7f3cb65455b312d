-- The `private` schema holds helpers that policies, triggers and functions use. PostgREST
-- does not expose it, and no API role may use it directly.
create schema private;
revoke all on schema private from public;
comment on schema private is
'Helpers for policies, triggers and definer functions; never exposed by the API.';

-- New functions are not executable by PUBLIC: every function is granted to exactly the roles
-- that need it, right after it is created. This must be the global default of the migration
-- role (per-schema defaults can only add to it). Supabase's per-schema grants to anon,
-- authenticated and service_role remain, so each function still revokes those explicitly.
alter default privileges revoke execute on functions from public;

create function private.set_updated_at()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is
'Trigger function: stamps updated_at on every update.';
revoke execute on function private.set_updated_at() from public;
