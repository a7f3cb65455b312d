-- The `private` schema holds helpers that policies, triggers and functions use. PostgREST
-- does not expose it, and no API role may use it directly.
create schema private;
revoke all on schema private from public;
comment on schema private is
'Helpers for policies, triggers and definer functions; never exposed by the API.';

-- New functions are not executable by PUBLIC: every function is granted to exactly the roles
-- that need it, right after it is created.
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema private revoke execute on functions from public;

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
