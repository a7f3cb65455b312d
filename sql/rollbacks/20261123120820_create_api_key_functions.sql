drop function public.rotate_api_key_encryption_key();
drop function public.update_api_key_last_used(uuid, text, text);
drop function public.get_user_api_key(uuid, text, text);
drop function public.store_user_api_key(text, text, text, text);
drop function private.require_service_role(text);
