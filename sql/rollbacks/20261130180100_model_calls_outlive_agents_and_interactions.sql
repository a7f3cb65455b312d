-- Rollback of 20261130180100_model_calls_outlive_agents_and_interactions.sql: the cascading
-- foreign keys again. Calls whose agent or interaction is gone are deleted first (they could
-- not satisfy the keys).
delete from public.model_calls as m
where not exists (
  select from public.ai_agents as a
  where a.id = m.agent_id and a.user_id = m.user_id
);
delete from public.model_calls as m
where
  m.interaction_id is not null
  and not exists (
    select from public.ai_interactions as i
    where i.id = m.interaction_id
  );
alter table public.model_calls add constraint model_calls_agent_owned_by_user
foreign key (agent_id, user_id) references public.ai_agents (id, user_id)
on update cascade on delete cascade;
alter table public.model_calls add constraint model_calls_interaction_id_fkey
foreign key (interaction_id) references public.ai_interactions (id) on delete cascade;
comment on table public.model_calls is
'One call to a vendor''s model: tokens by kind, exact cost and the price it used, latency, status, times. Readable by its owner; written only by record_model_call / record_model_calls, which price it and keep its interaction''s totals equal to the sum of its calls. Deleting the agent, the interaction or the user deletes its calls (for now: the usage ledger that outlives deletes is a later step).';
comment on column public.model_calls.user_id is 'The agent''s owner (foreign key on (agent_id, user_id)).';
comment on column public.model_calls.agent_id is null;
comment on column public.model_calls.interaction_id is
'The interaction the call belongs to (same user and agent), or null for a call on its own.';
comment on index public.model_calls_agent_id_user_id_started_at_idx is null;
comment on index public.model_calls_interaction_id_idx is null;
