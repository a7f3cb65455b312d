drop table public.vendors;
