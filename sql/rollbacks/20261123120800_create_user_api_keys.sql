drop table public.user_api_keys;
