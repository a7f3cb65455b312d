drop function public.add_vendor_service(text, text, text, text, text, boolean);
drop function public.add_vendor(text, text, text, text, text, boolean);
