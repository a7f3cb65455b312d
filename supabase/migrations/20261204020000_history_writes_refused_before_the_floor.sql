-- Nothing is written before the retention floor (issue 12). The rollups leave out the days
-- before each user's first open day (private.usage_mark_days): a call or an interaction
-- written on such a day, back-dated before the floor (into the default partition or a
-- re-created old month) or on the frozen days just after it, was accepted and never
-- counted, by the statistics or by the budgets. Now every write of a history row whose start
-- is on a frozen day of its owner's zone is refused (22023, `started_at: ...`), whatever
-- the path: the statement triggers that mark the rows for the rollups check them, once per
-- statement, only where a floor is recorded and only the rows within three days of it (a
-- day after the floor starts every zone's first open day at the latest: later rows are
-- fine whatever the zone). The record functions check their entries earlier, to name them.

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

-- Inserted or deleted rows. An inserted row on a frozen day: 22023, the whole statement.
create or replace function private.mark_usage_changed()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = changed, newtable = changed
declare
  floor_at timestamptz;
  bad_at timestamptz;
  open_from timestamptz;
begin
  if tg_op = 'INSERT' then
    select max(f.floor_at) into floor_at from private.history_floors as f;
    if floor_at is not null then
      -- (rows three days after the floor or later are on open days in every zone)
      select c.started_at, o.open_from into bad_at, open_from
      from changed as c
      cross join lateral (select private.history_open_from(c.user_id) as open_from) as o
      where
        c.started_at < floor_at + interval '3 days'
        and (c.started_at < floor_at + interval '1 day' or c.started_at < o.open_from)
      order by c.started_at
      limit 1;
      if bad_at is not null then
        raise exception using
          errcode = '22023',
          message = format(
            'started_at: must be at or after %s, the start of the first day whose usage is still counted (in the owner''s time zone)',
            coalesce(open_from, floor_at + interval '1 day')
          ),
          detail = format(
            'Retention dropped the history before %s; the days up to the first open day are frozen, their statistics are their record.',
            floor_at
          ),
          hint = 'Usage of a frozen day can no longer be recorded.';
      end if;
    end if;
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
'Statement trigger (after insert or delete, transition table "changed") on model_calls and ai_interactions: marks the users and instants touched for refresh_usage_rollups. Refuses (22023, started_at) an insert of a row that starts on a day retention froze for its owner (before private.history_open_from): no rollup would ever count it. Security definer: writers (clients inserting interactions) have no rights on private.usage_rollup_marks.';

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
  bad_at timestamptz;
  open_from timestamptz;
begin
  select max(f.floor_at) into floor_at from private.history_floors as f;
  if floor_at is not null then
    select c.started_at, b.open_from into bad_at, open_from
    from (
      select n.id, n.user_id, n.started_at from new_rows as n
      where n.started_at < floor_at + interval '3 days'
      union all
      select o.id, o.user_id, o.started_at from old_rows as o
      where o.started_at < floor_at + interval '3 days'
    ) as c
    cross join lateral (select private.history_open_from(c.user_id) as open_from) as b
    where
      (c.started_at < floor_at + interval '1 day' or c.started_at < b.open_from)
      -- (moved: the row's start before and after the update differ)
      and (
        not exists (
          select from old_rows as x where x.id = c.id and x.started_at = c.started_at
        )
        or not exists (
          select from new_rows as x where x.id = c.id and x.started_at = c.started_at
        )
      )
    order by c.started_at
    limit 1;
    if bad_at is not null then
      raise exception using
        errcode = '22023',
        message = format(
          'started_at: must be at or after %s, the start of the first day whose usage is still counted (in the owner''s time zone), before and after the update',
          coalesce(open_from, floor_at + interval '1 day')
        ),
        detail = format(
          'Retention dropped the history before %s; the days up to the first open day are frozen, their statistics are their record.',
          floor_at
        ),
        hint = 'Usage of a frozen day can no longer be recorded or moved.';
    end if;
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
'Statement trigger (after update, transition tables old_rows and new_rows) on model_calls and ai_interactions: marks the users and instants of the rows before and after the update for refresh_usage_rollups. Refuses (22023, started_at) an update that moves a row''s start onto or off a day retention froze for its owner (before private.history_open_from).';
