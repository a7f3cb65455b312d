-- Storage (issue 12, point 5): model_calls was 2.4x a plain copy with its primary key (814
-- bytes per call, `agentsdb bench --scale medium --only storage`). Indexes no reader needs:
-- - model_calls_price_id_idx served the price foreign key, now gone
--   (20261201010000): the price guard finds a price's calls by its service
--   (service_id = price's service and price_id = price), through the service index;
-- - model_calls_vendor_id_started_at_idx served the vendor foreign key, now gone: the
--   vendor guard finds calls without a service by (service_id is null, vendor_id) and the
--   others through the vendor's services, both on the service index. No query reads calls
--   by vendor over time: statistics, breakdowns and budgets read a user's calls first.
-- - model_calls_agent_id_user_id_started_at_idx served the (agent_id, user_id) foreign key,
--   dropped with the ledger (20261130180100), and "per-agent figures": those now come from
--   the rollups (agent_usage_daily, agent_interactions_daily) and the interactions; budgets
--   of an agent read the user's calls (model_calls_user_id_started_at_idx), as every budget.
-- A narrower key for the same readers:
-- - (service_id, vendor_id, started_at) becomes (service_id, started_at): a service id is a
--   primary key, so it fixes the vendor; re-pricing reads a service's calls over a range,
--   the service guard looks a (service, vendor) pair up, the price guard a service's calls;
-- squawk-ignore require-concurrent-index-creation
create index model_calls_service_id_started_at_idx on public.model_calls (service_id, started_at);
comment on index public.model_calls_service_id_started_at_idx is
'A service''s calls over a time range (re-pricing); the catalog guards (a service''s or a price''s calls, a vendor''s calls without a service).';
-- Replaced or no longer read (above).
-- squawk-ignore require-concurrent-index-deletion
drop index public.model_calls_service_id_vendor_id_started_at_idx;
-- squawk-ignore require-concurrent-index-deletion
drop index public.model_calls_agent_id_user_id_started_at_idx;
-- squawk-ignore require-concurrent-index-deletion
drop index public.model_calls_vendor_id_started_at_idx;
-- squawk-ignore require-concurrent-index-deletion
drop index public.model_calls_price_id_idx;
