-- Rollback of 20261130220010_create_agent_schedules.sql.
drop function public.due_agents(integer);
drop function public.agent_next_run(uuid, timestamptz);
drop function public.is_agent_active_now(uuid, timestamptz);
drop function private.own_agent(uuid);
drop table public.agent_schedules;
drop function private.check_agent_schedule();
