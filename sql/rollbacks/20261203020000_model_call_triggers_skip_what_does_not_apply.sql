-- Rollback of 20261203020000_model_call_triggers_skip_what_does_not_apply.sql: both trigger functions as before.

create or replace function private.count_model_calls_in_budgets()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
declare
  user_ids uuid [];
  agent_ids uuid [];
  vendor_ids text [];
  service_ids text [];
  started timestamptz [];
  costs numeric [];
begin
  if tg_op = 'INSERT' then
    select
      array_agg(e.user_id), array_agg(e.agent_id), array_agg(e.vendor_id),
      array_agg(e.service_id), array_agg(e.started_at), array_agg(e.cost)
    into user_ids, agent_ids, vendor_ids, service_ids, started, costs
    from (
      select n.user_id, n.agent_id, n.vendor_id, n.service_id, n.started_at, n.cost
      from new_rows as n
      where n.cost is not null
      union all
      select i.user_id, i.agent_id, i.vendor_id, i.service_id, i.started_at, -i.total_cost
      from public.ai_interactions as i
      where
        i.id in (select n.interaction_id from new_rows as n where n.interaction_id is not null)
        and i.total_cost is not null
        and not exists (
          select from public.model_calls as c
          where
            c.interaction_id = i.id
            and not exists (select from new_rows as n where n.id = c.id)
        )
    ) as e;
  else
    -- A correction: the old figures out, the new ones in.
    select
      array_agg(e.user_id), array_agg(e.agent_id), array_agg(e.vendor_id),
      array_agg(e.service_id), array_agg(e.started_at), array_agg(e.cost)
    into user_ids, agent_ids, vendor_ids, service_ids, started, costs
    from old_rows as o
    inner join new_rows as n on o.id = n.id
    cross join lateral (
      values
      (o.user_id, o.agent_id, o.vendor_id, o.service_id, o.started_at, -o.cost),
      (n.user_id, n.agent_id, n.vendor_id, n.service_id, n.started_at, n.cost)
    ) as e (user_id, agent_id, vendor_id, service_id, started_at, cost)
    where
      e.cost is not null
      and (o.cost, o.started_at, o.agent_id, o.vendor_id, o.service_id)
      is distinct from (n.cost, n.started_at, n.agent_id, n.vendor_id, n.service_id);
  end if;
  if costs is not null then
    perform private.apply_budget_usage(user_ids, agent_ids, vendor_ids, service_ids, started, costs);
  end if;
  return null;
end;
$$;

create or replace function private.model_calls_check_references()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: newtable = new_rows
declare
  missing text;
begin
  with
  user_ids as (select distinct n.user_id as id from new_rows as n),
  locked_users as (
    select u.id from auth.users as u
    where u.id in (select k.id from user_ids as k)
    order by u.id
    for key share
  ),
  vendor_ids as (select distinct n.vendor_id as id from new_rows as n),
  locked_vendors as (
    select v.id from public.vendors as v
    where v.id in (select k.id from vendor_ids as k)
    order by v.id
    for key share
  ),
  service_keys as (
    select distinct n.service_id as id, n.vendor_id from new_rows as n where n.service_id is not null
  ),
  locked_services as (
    select s.id, s.vendor_id from public.vendor_services as s
    where (s.id, s.vendor_id) in (select k.id, k.vendor_id from service_keys as k)
    order by s.id
    for key share
  ),
  price_ids as (select distinct n.price_id as id from new_rows as n where n.price_id is not null),
  locked_prices as (
    select p.id from public.service_prices as p
    where p.id in (select k.id from price_ids as k)
    order by p.id
    for key share
  )
  select coalesce(
    (
      select format('user_id|(user_id)=(%s)|users', k.id) from user_ids as k
      where k.id not in (select l.id from locked_users as l) limit 1
    ),
    (
      select format('vendor_id|(vendor_id)=(%s)|vendors', k.id) from vendor_ids as k
      where k.id not in (select l.id from locked_vendors as l) limit 1
    ),
    (
      select format('service_id|(service_id, vendor_id)=(%s, %s)|vendor_services', k.id, k.vendor_id)
      from service_keys as k
      where (k.id, k.vendor_id) not in (select l.id, l.vendor_id from locked_services as l) limit 1
    ),
    (
      select format('price_id|(price_id)=(%s)|service_prices', k.id) from price_ids as k
      where k.id not in (select l.id from locked_prices as l) limit 1
    )
  ) into missing;
  if missing is not null then
    raise exception using
      errcode = '23503',
      message = format(
        'model_calls.%s: not present in %s', split_part(missing, '|', 1), split_part(missing, '|', 3)
      ),
      detail = format('Key %s is not present.', split_part(missing, '|', 2)),
      hint = 'A model call names an existing user, vendor, vendor service of that vendor, and price.';
  end if;
  return null;
end;
$$;
