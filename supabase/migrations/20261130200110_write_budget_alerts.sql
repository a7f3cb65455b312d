-- Budget alerts and the current period (issue 11): reaching a threshold writes its alert in
-- the statement that moved the spend (a trigger on private.budget_spend); a new budget, a
-- budget whose limit or thresholds change, and a user whose time zone changes get their
-- current period computed and checked at once.

-- Alerts: every threshold a (budget, period) has reached gets its row once (the unique key
-- keeps it once under parallel load), announced on commit by pg_notify.
create function private.write_budget_alerts()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: newtable = changed
declare
  w public.budget_alerts;
begin
  for w in
    insert into public.budget_alerts as a (
      budget_id, user_id, period_start, threshold, spent, limit_amount
    )
    select
      b.id, b.user_id, nullif(c.period_start, '-infinity'::date), t.value, c.spent, b.limit_amount
    from changed as c
    inner join public.budgets as b on c.budget_id = b.id
    cross join unnest(b.thresholds) as t (value)
    where c.spent > 0 and c.spent * 100 >= b.limit_amount * t.value
    order by b.id, c.period_start, t.value
    on conflict on constraint budget_alerts_budget_id_period_start_threshold_key do nothing
    returning a.*
  loop
    perform pg_catalog.pg_notify('agentsdb_budget_alerts', json_build_object(
      'id', w.id,
      'budget_id', w.budget_id,
      'user_id', w.user_id,
      'period_start', w.period_start,
      'threshold', w.threshold,
      'spent', w.spent,
      'limit_amount', w.limit_amount,
      'created_at', w.created_at
    )::text);
  end loop;
  return null;
end;
$$;
comment on function private.write_budget_alerts() is
'Statement trigger function on private.budget_spend: writes one budget_alerts row per threshold the changed (budget, period) rows have reached (spent * 100 >= limit * threshold, spent above 0) unless it exists, and notifies channel agentsdb_budget_alerts with the alert as JSON (delivered on commit).';
revoke execute on function private.write_budget_alerts() from public, anon, authenticated, service_role;

create trigger budget_spend_alert_insert
after insert on private.budget_spend
referencing new table as changed
for each statement execute function private.write_budget_alerts();

create trigger budget_spend_alert_update
after update on private.budget_spend
referencing new table as changed
for each statement execute function private.write_budget_alerts();

-- The current period of budgets, materialized (computed from the ledger when missing) and
-- checked for thresholds: after a budget is created or its limit or thresholds change, and
-- after its owner's time zone changes.
create function private.refresh_current_budget_periods(budget_ids uuid [])
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  b record;
begin
  for b in
    select x.id, private.budget_period_first_day(
      x.period, (now() at time zone private.user_time_zone(x.user_id))::date
    ) as first_day
    from public.budgets as x
    where x.id = any(refresh_current_budget_periods.budget_ids)
    order by 1, 2
  loop
    -- A delta of 0 to an existing row still updates it, so its thresholds are checked.
    perform private.add_budget_spend(b.id, b.first_day, 0);
  end loop;
end;
$$;
comment on function private.refresh_current_budget_periods(uuid []) is
'Computes (when missing) the current period''s spend of each budget and checks its thresholds, in key order.';
revoke execute on function private.refresh_current_budget_periods(uuid [])
from public, anon, authenticated, service_role;

create function private.budgets_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
begin
  perform private.lock_budget_users(array(select n.user_id from new_rows as n));
  if tg_op = 'INSERT' then
    perform private.refresh_current_budget_periods(array(select n.id from new_rows as n));
  else
    perform private.refresh_current_budget_periods(array(
      select n.id from new_rows as n inner join old_rows as o on n.id = o.id
      where (n.limit_amount, n.thresholds) is distinct from (o.limit_amount, o.thresholds)
    ));
  end if;
  return null;
end;
$$;
comment on function private.budgets_changed() is
'Statement trigger function on budgets: a new budget, or one whose limit or thresholds changed, gets its current period computed and its thresholds checked (alerts for thresholds already reached).';
revoke execute on function private.budgets_changed() from public, anon, authenticated, service_role;

create trigger budgets_refresh_after_insert
after insert on public.budgets
referencing new table as new_rows
for each statement execute function private.budgets_changed();

create trigger budgets_refresh_after_update
after update on public.budgets
referencing old table as old_rows new table as new_rows
for each statement execute function private.budgets_changed();

-- A change of time zone moves every period boundary of the user: the counters are rebuilt in
-- the new zone (each is computed again from the ledger when next needed; the current ones
-- now, so thresholds they reach alert at once). Alerts already written stay.
create function private.rebuild_budget_spend_on_time_zone()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  owner_id uuid := case when tg_op = 'DELETE' then old.user_id else new.user_id end;
begin
  if tg_op = 'UPDATE' and new.time_zone = old.time_zone and new.user_id = old.user_id then
    return null;
  end if;
  -- The user is being deleted: their budgets go with them.
  if not exists (select from auth.users as u where u.id = owner_id) then
    return null;
  end if;
  perform private.lock_budget_users(array[owner_id], true);
  delete from private.budget_spend as s
  using public.budgets as b
  where s.budget_id = b.id and b.user_id = owner_id;
  perform private.refresh_current_budget_periods(
    array(select b.id from public.budgets as b where b.user_id = owner_id)
  );
  return null;
end;
$$;
comment on function private.rebuild_budget_spend_on_time_zone() is
'Row trigger function on user_settings: after the user''s time zone changes, drops the user''s budget counters (periods of the old zone) under the user''s exclusive advisory lock and computes the current periods again in the new zone.';
revoke execute on function private.rebuild_budget_spend_on_time_zone()
from public, anon, authenticated, service_role;

create trigger user_settings_rebuild_budget_spend
after insert or update of time_zone or delete on public.user_settings
for each row execute function private.rebuild_budget_spend_on_time_zone();
