drop function public.sync_catalog(jsonb);
