alter default privileges grant execute on functions to public;
drop function private.set_updated_at();
drop schema private;
