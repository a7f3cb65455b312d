-- The triggers that leave the marks of private.usage_rollup_marks (see
-- 20261130190000_create_usage_rollups.sql for why marks are plain rows holding instants):
-- statement-level with transition tables, one mark per user and UTC date a statement
-- touched, in the writer's own transaction. Usage recorded before this migration is marked
-- at its end (every user with usage is rebuilt by the first refresh).

-- Inserted or deleted rows (the transition table is "changed"). One mark per user and UTC
-- date touched by the statement, so a batch of a thousand calls writes one or two marks.
create function private.mark_usage_changed()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = changed, newtable = changed
begin
  insert into private.usage_rollup_marks (user_id, from_at, to_at)
  select c.user_id, min(c.started_at), max(c.started_at)
  from changed as c
  where c.started_at is not null
  group by c.user_id, (c.started_at at time zone 'UTC')::date;
  return null;
end;
$$;
comment on function private.mark_usage_changed() is
'Statement trigger (after insert or delete, transition table "changed") on model_calls and ai_interactions: marks the users and instants touched for refresh_usage_rollups. Security definer: writers (clients inserting interactions) have no rights on private.usage_rollup_marks.';
revoke execute on function private.mark_usage_changed() from public, anon, authenticated, service_role;

-- Updated rows: where they were and where they are now (a moved started_at changes two days).
create function private.mark_usage_moved()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
begin
  insert into private.usage_rollup_marks (user_id, from_at, to_at)
  select c.user_id, min(c.started_at), max(c.started_at)
  from (
    select o.user_id, o.started_at from old_rows as o
    union
    select n.user_id, n.started_at from new_rows as n
  ) as c
  where c.started_at is not null
  group by c.user_id, (c.started_at at time zone 'UTC')::date;
  return null;
end;
$$;
comment on function private.mark_usage_moved() is
'Statement trigger (after update, transition tables old_rows and new_rows) on model_calls and ai_interactions: marks the users and instants of the rows before and after the update for refresh_usage_rollups.';
revoke execute on function private.mark_usage_moved() from public, anon, authenticated, service_role;

-- A truncate: every user with usage or rollups is rebuilt.
create function private.mark_usage_truncated()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  insert into private.usage_rollup_marks (user_id)
  select s.user_id from public.ai_usage_stats as s
  union
  select d.user_id from public.agent_usage_daily as d
  union
  select b.user_id from private.usage_breakdown_daily as b;
  return null;
end;
$$;
comment on function private.mark_usage_truncated() is
'Statement trigger (after truncate) on model_calls and ai_interactions: marks every user with rollups for a rebuild by refresh_usage_rollups.';
revoke execute on function private.mark_usage_truncated() from public, anon, authenticated, service_role;

-- A change of time zone moves every local day of the user: rebuild them all (the refresher
-- recomputes the days of the usage in the new zone and of the rollups in the old one).
create function private.mark_time_zone_changed()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
begin
  if tg_op = 'INSERT' then
    insert into private.usage_rollup_marks (user_id)
    select distinct n.user_id from new_rows as n
    where n.time_zone <> 'UTC';
  elsif tg_op = 'DELETE' then
    insert into private.usage_rollup_marks (user_id)
    select distinct o.user_id from old_rows as o
    where o.time_zone <> 'UTC';
  else
    insert into private.usage_rollup_marks (user_id)
    select distinct n.user_id
    from new_rows as n
    inner join old_rows as o on o.id = n.id
    where (n.user_id, n.time_zone) is distinct from (o.user_id, o.time_zone);
  end if;
  return null;
end;
$$;
comment on function private.mark_time_zone_changed() is
'Statement trigger on user_settings (insert or delete of a zone other than UTC, update of the zone): marks every day of the users concerned for a rebuild by refresh_usage_rollups.';
revoke execute on function private.mark_time_zone_changed() from public, anon, authenticated, service_role;

create trigger model_calls_mark_usage_insert
after insert on public.model_calls
referencing new table as changed
for each statement execute function private.mark_usage_changed();
create trigger model_calls_mark_usage_delete
after delete on public.model_calls
referencing old table as changed
for each statement execute function private.mark_usage_changed();
create trigger model_calls_mark_usage_update
after update on public.model_calls
referencing old table as old_rows new table as new_rows
for each statement execute function private.mark_usage_moved();
create trigger model_calls_mark_usage_truncate
after truncate on public.model_calls
for each statement execute function private.mark_usage_truncated();

create trigger ai_interactions_mark_usage_insert
after insert on public.ai_interactions
referencing new table as changed
for each statement execute function private.mark_usage_changed();
create trigger ai_interactions_mark_usage_delete
after delete on public.ai_interactions
referencing old table as changed
for each statement execute function private.mark_usage_changed();
create trigger ai_interactions_mark_usage_update
after update on public.ai_interactions
referencing old table as old_rows new table as new_rows
for each statement execute function private.mark_usage_moved();
create trigger ai_interactions_mark_usage_truncate
after truncate on public.ai_interactions
for each statement execute function private.mark_usage_truncated();

create trigger user_settings_mark_usage_insert
after insert on public.user_settings
referencing new table as new_rows
for each statement execute function private.mark_time_zone_changed();
create trigger user_settings_mark_usage_delete
after delete on public.user_settings
referencing old table as old_rows
for each statement execute function private.mark_time_zone_changed();
create trigger user_settings_mark_usage_update
after update on public.user_settings
referencing old table as old_rows new table as new_rows
for each statement execute function private.mark_time_zone_changed();

-- Usage recorded before this migration: every user with usage or statistics is rebuilt by
-- the first refresh (until then the breakdown computes their days from the ledger).
insert into private.usage_rollup_marks (user_id)
select s.user_id from public.ai_usage_stats as s
union
select i.user_id from public.ai_interactions as i
union
select c.user_id from public.model_calls as c;
