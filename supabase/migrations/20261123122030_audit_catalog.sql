-- Audit the catalog: vendors, their services, agent features and interaction types. Their
-- entries have no owner (owner_id null), so only service_role reads them. The seed's
-- re-runs touch only updated_at when nothing changed, and so write no entries.

create trigger vendors_audit
after insert or update or delete on public.vendors
for each row execute function private.record_audit_log();

create trigger vendor_services_audit
after insert or update or delete on public.vendor_services
for each row execute function private.record_audit_log();

create trigger agent_features_audit
after insert or update or delete on public.agent_features
for each row execute function private.record_audit_log();

create trigger interaction_types_audit
after insert or update or delete on public.interaction_types
for each row execute function private.record_audit_log();
