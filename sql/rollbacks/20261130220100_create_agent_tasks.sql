-- Rollback of 20261130220100_create_agent_tasks.sql.
drop table public.agent_task_attempts;
drop table public.agent_task_dependencies;
drop table public.agent_tasks;
