drop table public.vendor_services;
