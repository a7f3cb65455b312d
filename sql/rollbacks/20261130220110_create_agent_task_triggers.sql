-- Rollback of 20261130220110_create_agent_task_triggers.sql.
drop trigger agent_task_dependencies_release on public.agent_task_dependencies;
drop trigger agent_task_dependencies_check on public.agent_task_dependencies;
drop trigger agent_tasks_propagate_outcome on public.agent_tasks;
drop trigger agent_tasks_set_updated_at on public.agent_tasks;
drop trigger agent_tasks_check_transition on public.agent_tasks;
drop function private.release_agent_task_dependency();
drop function private.check_agent_task_dependency();
drop function private.propagate_agent_task_outcome();
drop function private.check_agent_task_transition();
