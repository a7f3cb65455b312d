drop view public.agent_summary;
