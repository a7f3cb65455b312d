-- Rollback of 20261201010400_model_calls_indexes_for_their_readers.sql: the indexes of
-- model_calls as they were.
create index model_calls_price_id_idx on public.model_calls (price_id)
where price_id is not null;
create index model_calls_vendor_id_started_at_idx on public.model_calls (vendor_id, started_at);
create index model_calls_agent_id_user_id_started_at_idx on public.model_calls (
  agent_id, user_id, started_at desc
);
comment on index public.model_calls_agent_id_user_id_started_at_idx is
'Per-agent figures over time (formerly also the (agent_id, user_id) foreign key).';
create index model_calls_service_id_vendor_id_started_at_idx on public.model_calls (
  service_id, vendor_id, started_at
);
drop index public.model_calls_service_id_started_at_idx;
