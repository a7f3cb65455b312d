-- Without the set-based rebuild and the agents' lifetime sums.
drop function private.rebuild_usage_rollups_of(uuid [], date []);
drop function private.refresh_agent_interaction_lifetime(uuid []);
drop table private.agent_interaction_lifetime;
