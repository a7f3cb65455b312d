revoke usage on schema private from anon, authenticated, service_role;
drop function private.is_valid_tag_array(text []);
