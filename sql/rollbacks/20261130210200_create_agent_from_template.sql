-- Rollback of 20261130210200_create_agent_from_template.sql.
drop function public.create_agent_from_template(uuid, text);
