alter default privileges in schema public grant execute on functions to public;
alter default privileges in schema private grant execute on functions to public;
drop function private.set_updated_at();
drop schema private;
