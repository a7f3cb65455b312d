-- Rollback of 20261203030100_model_calls_embed_their_references.sql: no embedding from
-- model calls again.

drop function public.model_calls(public.ai_interactions);
drop function public.ai_interactions(public.model_calls);
drop function public.ai_agents(public.model_calls);
drop function public.service_prices(public.model_calls);
drop function public.vendor_services(public.model_calls);
drop function public.vendors(public.model_calls);
