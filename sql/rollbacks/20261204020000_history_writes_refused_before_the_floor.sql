-- Rollback of 20261204020000_history_writes_refused_before_the_floor: the mark triggers as
-- they were (20261130190100), without the floor's check.

create or replace function private.mark_usage_changed()
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

create or replace function private.mark_usage_moved()
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

drop function private.require_history_open(uuid, timestamptz, timestamptz, text);
drop function private.history_open_from(uuid);
