-- Keep ai_agents.usage_count (interactions recorded) and ai_agents.last_used_at (newest
-- started_at of its interactions) right as interactions are inserted, deleted or moved.
-- Clients cannot write those columns, so the trigger functions are security definer; they
-- live in private and pin search_path. Each statement locks the agents it touches, in id
-- order, so concurrent writers serialize per agent and never deadlock within a statement.
-- The lock is FOR NO KEY UPDATE (what the update takes anyway): it does not conflict with
-- the FOR KEY SHARE locks that the foreign key checks of concurrent inserts hold.

create function private.count_agent_usage()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = changed, newtable = changed
begin
  if tg_op = 'TRUNCATE' then
    update public.ai_agents as a
    set usage_count = 0, last_used_at = null
    where a.usage_count <> 0 or a.last_used_at is not null;
    return null;
  end if;

  perform from public.ai_agents as a
  where a.id in (select c.agent_id from changed as c)
  order by a.id
  for no key update of a;

  if tg_op = 'INSERT' then
    update public.ai_agents as a
    set
      usage_count = a.usage_count + d.n,
      last_used_at = greatest(a.last_used_at, d.newest)
    from (
      select c.agent_id, count(*)::integer as n, max(c.started_at) as newest
      from changed as c
      group by c.agent_id
    ) as d
    where a.id = d.agent_id;
  else
    -- A new statement, so a new snapshot: it sees every interaction committed by writers
    -- that held the lock before us. The newest start is looked up again only when a
    -- deleted row may have been the newest.
    update public.ai_agents as a
    set
      usage_count = greatest(a.usage_count - d.n, 0),
      last_used_at = case
        when d.newest < a.last_used_at then a.last_used_at
        else (
          select max(i.started_at) from public.ai_interactions as i
          where i.agent_id = a.id and i.user_id = a.user_id
        )
      end
    from (
      select c.agent_id, count(*)::integer as n, max(c.started_at) as newest
      from changed as c
      group by c.agent_id
    ) as d
    where a.id = d.agent_id;
  end if;
  return null;
end;
$$;
comment on function private.count_agent_usage() is
'Statement trigger function on ai_interactions: after insert adds the new rows to usage_count and last_used_at of their agents, after delete subtracts them (looking the newest start up again), after truncate resets every agent. Locks the agents in id order first.';
revoke execute on function private.count_agent_usage() from public, anon, authenticated, service_role;

create function private.recount_agent_usage_on_move()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
begin
  -- A statement trigger that locks in id order like count_agent_usage: a row trigger locked
  -- each row's agents in the order the rows were updated, so two updates moving interactions
  -- of the same agents in opposite orders deadlocked. Rows are not paired by id: an (agent,
  -- start) that gained or lost rows moved; updates of other columns touch no agent.
  perform from public.ai_agents as a
  where a.id in (
    select c.agent_id
    from (
      select n.agent_id, n.started_at, 1 as delta from new_rows as n
      union all
      select o.agent_id, o.started_at, -1 as delta from old_rows as o
    ) as c
    group by c.agent_id, c.started_at
    having sum(c.delta) <> 0
  )
  order by a.id
  for no key update of a;
  if not found then
    return null;
  end if;

  update public.ai_agents as a
  set
    usage_count = a.usage_count + d.delta,
    last_used_at = (
      select max(i.started_at) from public.ai_interactions as i
      where i.agent_id = a.id and i.user_id = a.user_id
    )
  from (
    select m.agent_id, sum(m.delta)::integer as delta
    from (
      select c.agent_id, sum(c.delta) as delta
      from (
        select n.agent_id, n.started_at, 1 as delta from new_rows as n
        union all
        select o.agent_id, o.started_at, -1 as delta from old_rows as o
      ) as c
      group by c.agent_id, c.started_at
      having sum(c.delta) <> 0
    ) as m
    group by m.agent_id
  ) as d
  where a.id = d.agent_id;
  return null;
end;
$$;
comment on function private.recount_agent_usage_on_move() is
'Statement trigger function on ai_interactions: after an update that moves interactions (changes their agent or started_at), locks the agents concerned in id order, moves the interactions between their usage_count and recomputes their last_used_at.';
revoke execute on function private.recount_agent_usage_on_move() from public, anon, authenticated, service_role;

create trigger ai_interactions_count_agent_usage_insert
after insert on public.ai_interactions
referencing new table as changed
for each statement execute function private.count_agent_usage();

create trigger ai_interactions_count_agent_usage_delete
after delete on public.ai_interactions
referencing old table as changed
for each statement execute function private.count_agent_usage();

create trigger ai_interactions_count_agent_usage_truncate
after truncate on public.ai_interactions
for each statement execute function private.count_agent_usage();

-- Transition tables rule out a column list (update of agent_id, started_at): the function
-- itself finds the moved rows and returns at once when there are none.
create trigger ai_interactions_recount_agent_usage_on_move
after update on public.ai_interactions
referencing old table as old_rows new table as new_rows
for each statement execute function private.recount_agent_usage_on_move();
