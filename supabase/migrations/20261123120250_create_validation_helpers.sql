-- Immutable predicates that check constraints share, so every table applies one rule.

create function private.is_valid_tag_array(tags text [])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- A case, so that a multidimensional array is refused before array_position (which
  -- raises 0A000 on one) sees it.
  select case
    when tags is null then true
    when cardinality(tags) > 50 or array_ndims(tags) > 1 then false
    else array_position(tags, null) is null and not exists (
      select from unnest(tags) as t (tag)
      where t.tag !~ '\S' or length(t.tag) > 64
    )
  end
$$;
comment on function private.is_valid_tag_array(text []) is
'True when a tag array is sane: a plain list (one dimension) of at most 50 tags, none null, blank or longer than 64 characters.';
revoke execute on function private.is_valid_tag_array(text []) from public;
-- Check constraints run their functions with the writer's privileges, so every role that
-- writes a tagged table must be able to execute this predicate (it reveals nothing).
grant execute on function private.is_valid_tag_array(text []) to authenticated, service_role;
