-- Rollback of 20261130170100_interactions_record_vendor_and_service.sql.
drop trigger ai_interactions_b_record_vendor on public.ai_interactions;
drop function private.record_interaction_vendor();
alter table public.ai_interactions
drop column service_id,
drop column vendor_id;
