-- Nothing is written before the retention floor (issue 12). The rollups leave out the days
-- before each user's first open day (private.usage_mark_days): a call or an interaction
-- written on such a day, back-dated before the floor (into the default partition or a
-- re-created old month) or on the frozen days just after it, was accepted and never
-- counted, by the statistics or by the budgets. Now every write of a history row whose start
-- is on a frozen day of its owner's zone is refused (22023, `started_at: ...`), whatever
-- the path: the statement triggers that mark the rows for the rollups check them, only where
-- a floor is recorded and only the rows within three days of it (every zone's first open
-- day starts less than two days after the floor: later rows are fine whatever the zone).
-- An inserted interaction is checked by the statement that writes the marks (the floor read
-- once, in it; the earliest row of each user and date checked). Model calls are inserted by
-- record_model_call(s) only (no API role may insert them), which check each call, naming it:
-- their trigger checks nothing more. A floor is at most the first day of the current month
-- (drop_history_before drops no later month): a start three days after that is fine without
-- reading anything, so live writes read the floor on the first three days of a month only.
-- Updates of either table are checked (not a hot path).

-- The first instant whose usage is counted for a user: the start, in the user's zone, of
-- the first open day (null without a floor).
create function private.history_open_from(user_id uuid)
returns timestamptz
language sql
stable
security invoker
set search_path = ''
as $$
  select private.local_day_start(private.history_first_open_day(z.zone), z.zone)
  from (select private.user_time_zone(history_open_from.user_id) as zone) as z
$$;
comment on function private.history_open_from(uuid) is
'The first instant whose usage the rollups count for this user: the start, in the user''s time zone, of the first day after the retention floor that is not frozen (private.history_first_open_day); null without a floor. A history row that starts earlier would never be counted: the writes refuse it.';
revoke execute on function private.history_open_from(uuid)
from public, anon, authenticated, service_role;

-- The check itself: 22023 naming the field unless started_at is at or after the first
-- instant counted for the user; true otherwise (so that a statement can call it in a
-- condition). Called only for rows near the floor.
create function private.require_history_open(
  user_id uuid, started_at timestamptz, floor_at timestamptz, field text default 'started_at'
)
returns boolean
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  open_from timestamptz := greatest(
    private.history_open_from(require_history_open.user_id),
    require_history_open.floor_at + interval '1 day'
  );
begin
  if require_history_open.started_at < open_from then
    raise exception using
      errcode = '22023',
      message = format(
        '%s: must be at or after %s, the start of the first day whose usage is still counted (in the owner''s time zone)',
        require_history_open.field, open_from
      ),
      detail = format(
        'Retention dropped the history before %s; the days up to the first open day are frozen, their statistics are their record.',
        require_history_open.floor_at
      ),
      hint = 'Usage of a frozen day can no longer be recorded, or moved.';
  end if;
  return true;
end;
$$;
comment on function private.require_history_open(uuid, timestamptz, timestamptz, text) is
'Refuses (22023, naming field) a history row of user_id that would start before the first instant the rollups count for the user (private.history_open_from; at least a day after floor_at, the retention floor); returns true otherwise. For the write paths of model_calls and ai_interactions.';
revoke execute on function private.require_history_open(uuid, timestamptz, timestamptz, text)
from public, anon, authenticated, service_role;

-- Inserted or deleted rows. An inserted row on a frozen day: 22023, the whole statement.
create or replace function private.mark_usage_changed()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = changed, newtable = changed
begin
  -- Inserted interactions: the earliest row of each user and UTC date is checked against the
  -- retention floor, when there is one (read once, in this statement) and the row is within
  -- three days of it. Inserted model calls come from record_model_call(s) only (no API role
  -- may insert them), which check each call themselves: the ingest path reads nothing more.
  if tg_op = 'INSERT' and tg_table_name = 'ai_interactions' then
    insert into private.usage_rollup_marks (user_id, from_at, to_at)
    select c.user_id, min(c.started_at), max(c.started_at)
    from changed as c
    where c.started_at is not null
    group by c.user_id, (c.started_at at time zone 'UTC')::date
    having
      -- (a floor is at most the first day of the current month, UTC: three days after it,
      -- every zone's day is open, without reading the floor)
      min(c.started_at)
      >= (date_trunc('month', now() at time zone 'UTC') at time zone 'UTC') + interval '3 days'
      or coalesce(
        min(c.started_at)
        >= (select max(f.floor_at) from private.history_floors as f) + interval '3 days',
        true
      )
      or private.require_history_open(
        c.user_id, min(c.started_at), (select max(f.floor_at) from private.history_floors as f)
      );
    return null;
  end if;
  insert into private.usage_rollup_marks (user_id, from_at, to_at)
  select c.user_id, min(c.started_at), max(c.started_at)
  from changed as c
  where c.started_at is not null
  group by c.user_id, (c.started_at at time zone 'UTC')::date;
  return null;
end;
$$;
comment on function private.mark_usage_changed() is
'Statement trigger (after insert or delete, transition table "changed") on model_calls and ai_interactions: marks the users and instants touched for refresh_usage_rollups. Refuses (22023, started_at) an insert of an interaction that starts on a day retention froze for its owner (private.require_history_open): no rollup would ever count it (model calls are checked by record_model_call and record_model_calls, their only writers). Security definer: writers (clients inserting interactions) have no rights on private.usage_rollup_marks.';

-- Updated rows. A start moved onto a frozen day (never counted), or off one (the frozen day
-- keeps counting it, and its new day would count it again): 22023, the whole statement. An
-- update that leaves the start where it is, a rating or a title, is not refused.
create or replace function private.mark_usage_moved()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
declare
  floor_at timestamptz;
begin
  select max(f.floor_at) into floor_at from private.history_floors as f;
  if floor_at is not null then
    perform private.require_history_open(c.user_id, c.started_at, floor_at)
    from (
      select n.id, n.user_id, n.started_at from new_rows as n
      where n.started_at < floor_at + interval '3 days'
      union all
      select o.id, o.user_id, o.started_at from old_rows as o
      where o.started_at < floor_at + interval '3 days'
    ) as c
    -- (moved: the row's start before and after the update differ)
    where
      not exists (select from old_rows as x where x.id = c.id and x.started_at = c.started_at)
      or not exists (select from new_rows as x where x.id = c.id and x.started_at = c.started_at);
  end if;
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
'Statement trigger (after update, transition tables old_rows and new_rows) on model_calls and ai_interactions: marks the users and instants of the rows before and after the update for refresh_usage_rollups. Refuses (22023, started_at) an update that moves a row''s start onto or off a day retention froze for its owner (private.require_history_open).';
