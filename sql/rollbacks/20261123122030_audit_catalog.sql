drop trigger interaction_types_audit on public.interaction_types;
drop trigger agent_features_audit on public.agent_features;
drop trigger vendor_services_audit on public.vendor_services;
drop trigger vendors_audit on public.vendors;
