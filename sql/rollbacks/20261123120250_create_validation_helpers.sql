drop function private.is_valid_tag_array(text []);
