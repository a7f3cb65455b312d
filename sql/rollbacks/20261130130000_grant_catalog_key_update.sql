revoke update (id) on public.agent_features from service_role;
revoke update (id) on public.interaction_types from service_role;
