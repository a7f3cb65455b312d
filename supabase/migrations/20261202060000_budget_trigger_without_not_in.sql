-- The budgets' statement trigger on model_calls tested "a call of the interaction other than
-- the ones this statement inserts" with `c.id not in (select n.id from new_rows)`. A NOT IN
-- over a subquery is hashed only while the transition table fits in work_mem; beyond that
-- PostgreSQL rescans the whole (spilled) transition table for every call it tests, so an
-- insert of 250,000 calls linked to interactions (the large benchmark's first chunk) ran
-- for hours. NOT EXISTS is planned as an anti-join at any size (the ids are never null, so
-- the meaning is the same). tests/test_trigger_plans.py checks every statement trigger of
-- the history tables for the shape.

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
