-- User settings (issue 10): one row per user, starting with the reporting time zone that
-- the daily statistics count each user's day in. A user without a row reports in UTC.
-- Owners read and change their own row (RLS); anonymous sign-ins neither read nor write;
-- service_role reads and writes every row.

-- A reporting time zone is a canonical IANA name the server knows: 'UTC', or
-- Area/Location in one of the tz database's geographic areas. Refused although
-- PostgreSQL knows them: abbreviations ('EST', 'CET', which name no daylight-saving rule
-- or a rule that is not the user's), POSIX strings and fixed offsets ('+05', 'EST5EDT',
-- 'Etc/GMT+5', whose sign is the inverse of what it reads as), backward-compatibility
-- aliases outside the areas ('US/Pacific'), the 'posix/' and 'right/' trees (leap seconds)
-- and any spelling but the canonical one (the lookup is case-sensitive).
create function private.is_reporting_time_zone(time_zone text)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select
    is_reporting_time_zone.time_zone = 'UTC'
    or (
      is_reporting_time_zone.time_zone
      ~ '^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)?$'
      and exists (
        select 1 from pg_catalog.pg_timezone_names as z
        where z.name = is_reporting_time_zone.time_zone
      )
    )
$$;
comment on function private.is_reporting_time_zone(text) is
'True for a reporting time zone agentsdb accepts: ''UTC'' or a canonical IANA Area/Location name (Africa, America, Antarctica, Arctic, Asia, Atlantic, Australia, Europe, Indian, Pacific) listed in pg_timezone_names, spelled exactly. Abbreviations, offsets, POSIX strings and Etc/ zones are refused.';
revoke execute on function private.is_reporting_time_zone(text)
from public, anon, authenticated, service_role;

create table public.user_settings (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  time_zone text not null default 'UTC',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One row per user; set_time_zone upserts on it. Its index serves the policies, the
  -- auth.users foreign key and the statistics' join.
  constraint user_settings_user_id_key unique (user_id),
  -- Bounded before the trigger looks the name up (the longest IANA name has 32 characters).
  constraint user_settings_time_zone_length check (length(time_zone) between 1 and 64)
);
comment on table public.user_settings is
'Each user''s settings, one row per user (none: the defaults). The owner reads and changes their row; service_role every row. Deleting the user deletes it.';
comment on column public.user_settings.user_id is 'The user (defaults to the caller); one row per user.';
comment on column public.user_settings.time_zone is
'The reporting time zone: ai_usage_stats counts this user''s interactions by their local date here. ''UTC'' or a canonical IANA name such as Europe/Paris (abbreviations and fixed offsets are refused, 22023). Days already computed keep the zone they were computed in until they are refreshed again (agentsdb stats refresh --since).';

-- Security definer: it calls private.is_reporting_time_zone, which no API role executes.
create function private.check_user_settings()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  -- A longer value is left to user_settings_time_zone_length, which refuses it with 23514.
  if length(new.time_zone) <= 64 and not private.is_reporting_time_zone(new.time_zone) then
    raise exception using
      errcode = '22023',
      message = 'time_zone: not a reporting time zone agentsdb accepts',
      hint = 'Use ''UTC'' or an IANA Area/Location name exactly as spelled in the tz database, such as Europe/Paris or America/Los_Angeles; abbreviations (EST) and offsets (+05) are refused.';
  end if;
  return new;
end;
$$;
comment on function private.check_user_settings() is
'Trigger: refuses a time_zone private.is_reporting_time_zone does not accept (22023, naming the field). A trigger, not a check constraint: the tz database can change with the server, and a check would then fail a restore of rows that were valid when written.';
revoke execute on function private.check_user_settings() from public, anon, authenticated, service_role;

create trigger user_settings_check
before insert or update of time_zone on public.user_settings
for each row execute function private.check_user_settings();

create trigger user_settings_set_updated_at
before update on public.user_settings
for each row execute function private.set_updated_at();

alter table public.user_settings enable row level security;

create policy user_settings_select_owner on public.user_settings
for select to authenticated
using (user_id = (select auth.uid()));
create policy user_settings_insert_owner on public.user_settings
for insert to authenticated
with check (user_id = (select auth.uid()));
create policy user_settings_update_owner on public.user_settings
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy user_settings_delete_owner on public.user_settings
for delete to authenticated
using (user_id = (select auth.uid()));
create policy user_settings_all_not_anonymous on public.user_settings
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy user_settings_all_not_anonymous on public.user_settings is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write user_settings.';

-- Clients: every column readable, the zone writable, user_id given once (the policies make
-- it the caller's; default auth.uid()); the id is the database's (issue 9).
revoke all on public.user_settings from anon, authenticated, service_role;
grant select (id, user_id, time_zone, created_at, updated_at) on public.user_settings
to authenticated;
grant insert (user_id, time_zone) on public.user_settings to authenticated;
grant update (time_zone) on public.user_settings to authenticated;
grant delete on public.user_settings to authenticated;
grant select, delete on public.user_settings to service_role;
grant insert (id, user_id, time_zone) on public.user_settings to service_role;
grant update (time_zone) on public.user_settings to service_role;

-- Set the caller's reporting time zone in one statement (insert or update), so a client
-- needs no read-then-write and two concurrent calls cannot collide on the key.
create function public.set_time_zone(time_zone text)
returns setof public.user_settings
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  me uuid := auth.uid();
begin
  if me is null then
    raise exception using
      errcode = '42501',
      message = 'set_time_zone: sign in as the user whose time zone to set',
      hint = 'service_role writes public.user_settings directly.';
  end if;
  if set_time_zone.time_zone is null then
    raise exception using
      errcode = '22004',
      message = 'time_zone: must not be null',
      hint = 'Use ''UTC'' or an IANA name such as Europe/Paris.';
  end if;
  return query
  -- user_id takes its default, the caller (clients may not name it).
  insert into public.user_settings as s (time_zone)
  values (set_time_zone.time_zone)
  on conflict (user_id) do update set time_zone = excluded.time_zone
  returning s.*;
end;
$$;
comment on function public.set_time_zone(text) is
'Sets the caller''s reporting time zone (creating their settings row if needed) and returns the row. 22023 for a name that is not ''UTC'' or a canonical IANA Area/Location name; 42501 for anon, anonymous sign-ins and callers without a user. Statistics already computed keep the old zone until their days are refreshed.';
revoke execute on function public.set_time_zone(text) from public, anon, authenticated, service_role;
grant execute on function public.set_time_zone(text) to authenticated;
