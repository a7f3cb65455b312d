-- Supabase lets `postgres` create the extensions listed in supautils.privileged_extensions
-- (pgtap among them): supautils runs that CREATE EXTENSION as the superuser, so the
-- extension and its objects belong to supabase_admin, and `postgres`'s own default privileges
-- do not reach them. [supabase/supautils src/extensions.c; supabase/postgres
-- ansible/files/postgresql_config/supautils.conf.j2]
-- Plain PostgreSQL has no such hook. This stands in for it where the test tooling needs it:
-- before `create extension if not exists <name> [with] [schema <s>]` of a listed extension
-- by a non-superuser, an event trigger creates it as the superuser; the statement then finds it
-- there. (Without `if not exists` the statement is refused as plain PostgreSQL refuses it.)
do $platform$
begin
  if exists (select from pg_event_trigger where evtname = 'platform_privileged_extensions') then
    return;
  end if;

  create function extensions.platform_create_privileged_extension()
  returns event_trigger
  language plpgsql
  security definer
  set search_path = ''
  as $fn$
  declare
    privileged constant text[] := array['pgtap', 'plpgsql_check'];
    parts text[];
    ext text;
    target_schema text;
  begin
    -- current_user is the definer here: ask who runs the statement, and skip the trigger's
    -- own nested CREATE EXTENSION (current_query() still shows the outer statement).
    if (select r.rolsuper from pg_catalog.pg_roles as r where r.rolname = session_user)
      or coalesce(current_setting('platform.creating_extension', true), '') = 'on' then
      return;
    end if;
    parts := regexp_match(
      current_query(),
      '^\s*create\s+extension\s+if\s+not\s+exists\s+"?([a-z_][a-z0-9_]*)"?'
      '(?:\s+with)?(?:\s+schema\s+"?([a-z_][a-z0-9_]*)"?)?\s*;?\s*$',
      'i'
    );
    if parts is null then
      return;
    end if;
    ext := lower(parts[1]);
    target_schema := coalesce(parts[2], 'extensions');
    if ext <> all(privileged)
      or exists (select from pg_catalog.pg_extension as e where e.extname = ext) then
      return;
    end if;
    perform set_config('platform.creating_extension', 'on', true);
    execute format('create extension %I with schema %I', ext, target_schema);
    perform set_config('platform.creating_extension', '', true);
  end;
  $fn$;
  revoke all on function extensions.platform_create_privileged_extension() from public;

  create event trigger platform_privileged_extensions on ddl_command_start
  when tag in ('CREATE EXTENSION')
  execute function extensions.platform_create_privileged_extension();
end
$platform$;
