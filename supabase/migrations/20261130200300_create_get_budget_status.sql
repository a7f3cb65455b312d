-- The status of each budget (issue 11), and whether a user's hard budgets are spent: its current period in the owner's time zone, spent,
-- reserved, remaining and the thresholds reached. Read-only (PostgREST runs it in a read-only
-- transaction): a period nobody has counted yet is computed from the ledger on the fly.

create function private.budget_status(user_id uuid)
returns table (
  budget_id uuid,
  name text,
  scope text,
  agent_id uuid,
  vendor_id text,
  service_id text,
  period text,
  is_hard boolean,
  limit_amount numeric,
  thresholds numeric [],
  time_zone text,
  period_start timestamptz,
  period_end timestamptz,
  spent numeric,
  reserved numeric,
  remaining numeric,
  thresholds_reached numeric []
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  is_service boolean := pg_catalog.pg_has_role(
    coalesce(nullif(current_setting('role'), 'none'), session_user), 'service_role', 'member'
  );
  caller uuid := auth.uid();
  zone text;
begin
  if not is_service and (caller is null or private.is_anonymous()) then
    raise exception using
      errcode = '42501', message = 'get_budget_status: sign in, or call it with the service_role key';
  end if;
  -- service_role without a user: nobody's budgets.
  if budget_status.user_id is null then
    return;
  end if;
  if not is_service and budget_status.user_id <> caller then
    raise exception using errcode = 'PT404', message = 'user_id: no user with this id is visible to you';
  end if;
  zone := private.user_time_zone(budget_status.user_id);
  return query
  select
    b.id, b.name, b.scope, b.agent_id, b.vendor_id, b.service_id, b.period, b.is_hard,
    b.limit_amount, b.thresholds, zone,
    case when b.period <> 'none' then private.local_day_start(c.first_day, zone) end,
    case
      when b.period <> 'none'
        then private.local_day_start(private.budget_period_next_day(b.period, c.first_day), zone)
    end,
    c.spent,
    r.reserved,
    b.limit_amount - c.spent - r.reserved,
    array(
      select t.value from unnest(b.thresholds) as t (value)
      where c.spent > 0 and c.spent * 100 >= b.limit_amount * t.value
      order by t.value
    )
  from public.budgets as b
  cross join lateral private.budget_current_spend(b, zone) as c
  cross join lateral (select private.budget_reserved(b) as reserved) as r
  where b.user_id = budget_status.user_id
  order by b.name, b.id;
end;
$$;
comment on function private.budget_status(uuid) is
'The body of public.get_budget_status (security definer: it reads the private counters).';
revoke execute on function private.budget_status(uuid) from public, anon, authenticated, service_role;
grant execute on function private.budget_status(uuid) to authenticated, service_role;

create function public.get_budget_status(user_id uuid default null)
returns table (
  budget_id uuid,
  name text,
  scope text,
  agent_id uuid,
  vendor_id text,
  service_id text,
  period text,
  is_hard boolean,
  limit_amount numeric,
  thresholds numeric [],
  time_zone text,
  period_start timestamptz,
  period_end timestamptz,
  spent numeric,
  reserved numeric,
  remaining numeric,
  thresholds_reached numeric []
)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.budget_status(coalesce(get_budget_status.user_id, auth.uid()))
$$;
comment on function public.get_budget_status(uuid) is
'Each budget of a user (the caller by default; service_role names the user, none without one) in its current period: period_start and period_end (instants of the local midnights in time_zone, the user''s; null for a lifetime budget), spent (exact, from the usage ledger), reserved (open reservations it covers), remaining (limit - spent - reserved, negative when over) and the thresholds reached (percent). Another user''s id: PT404.';
revoke execute on function public.get_budget_status(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_budget_status(uuid) to authenticated, service_role;

-- For the task queue (contract 3): may this user's work go on?
create function private.hard_budget_reached(user_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  role_name text := coalesce(nullif(current_setting('role', true), 'none'), session_user);
  zone text;
begin
  if hard_budget_reached.user_id is null then
    raise exception using errcode = '22004', message = 'user_id: required';
  end if;
  -- Clients learn only their own state.
  if role_name in ('anon', 'authenticated')
    and hard_budget_reached.user_id is distinct from auth.uid() then
    raise exception using errcode = '42501', message = 'user_id: not yours';
  end if;
  zone := private.user_time_zone(hard_budget_reached.user_id);
  return exists (
    select
    from public.budgets as b
    cross join lateral private.budget_current_spend(b, zone) as c
    where b.user_id = hard_budget_reached.user_id and b.is_hard and c.spent >= b.limit_amount
  );
end;
$$;
comment on function private.hard_budget_reached(uuid) is
'True when any hard budget of the user has spent its limit or more in its current period (open reservations not counted). For the task queue to stop claiming a user''s work. A signed-in caller may ask only about themselves (42501).';
revoke execute on function private.hard_budget_reached(uuid) from public, anon, authenticated, service_role;
grant execute on function private.hard_budget_reached(uuid) to authenticated, service_role;
