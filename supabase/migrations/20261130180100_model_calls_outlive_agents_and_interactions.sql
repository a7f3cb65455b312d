-- Model calls are the ledger of what was spent (issue 10, "usage is a financial record"):
-- deleting an agent or an interaction no longer deletes its calls. The foreign keys that
-- cascaded those deletes go; agent_id and interaction_id stay as plain ids (the agent or
-- interaction may be gone). record_model_call(s) still refuse an agent or interaction that
-- does not exist or is not the caller's (PT404) before inserting, and a call's interaction
-- must still be of the same user and agent (22023). Deleting the user still removes every
-- call (model_calls_user_id_fkey, on delete cascade).
-- Dropping these guarantees is the point: a call must not depend on its agent or interaction.
-- squawk-ignore ban-drop-constraint
alter table public.model_calls drop constraint model_calls_agent_owned_by_user;
-- squawk-ignore ban-drop-constraint
alter table public.model_calls drop constraint model_calls_interaction_id_fkey;

comment on table public.model_calls is
'One call to a vendor''s model: tokens by kind, exact cost and the price it used, latency, status, times. The ledger of what was spent: readable by its owner; written only by record_model_call / record_model_calls, which price it and keep its interaction''s totals equal to the sum of its calls, and changed only by service_role''s re-price (reprice_model_calls, recorded in usage_corrections). Deleting the agent or the interaction keeps the call (agent_id and interaction_id then name rows that are gone); deleting the user deletes it.';
comment on column public.model_calls.user_id is
'The agent''s owner at the time of the call (checked when recorded); deleting the user deletes the call.';
comment on column public.model_calls.agent_id is
'The agent that made the call (checked when recorded; no foreign key, so the call outlives the agent).';
comment on column public.model_calls.interaction_id is
'The interaction the call belongs to (same user and agent, checked when recorded), or null for a call on its own. No foreign key: the call outlives the interaction.';

-- The indexes that served the dropped foreign keys keep serving their other readers.
comment on index public.model_calls_agent_id_user_id_started_at_idx is
'Per-agent figures over time (formerly also the (agent_id, user_id) foreign key).';
comment on index public.model_calls_interaction_id_idx is
'The sums of an interaction''s calls, and whether an interaction has calls (private.usage_events).';
