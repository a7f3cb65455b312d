-- Foreign keys ignore RLS: a client could attach agents, feature mappings and interactions to
-- deactivated (hidden) catalog rows, and success against 23503 told which hidden ids exist
-- (issue 9, point 3). A BEFORE trigger looks each newly set reference up with the writer's
-- own rights, so a client may reference only catalog rows it can read, and a hidden id gets
-- the same answer as one that does not exist. service_role (BYPASSRLS) and the owner see
-- every row, so server-side writers may still reference inactive rows.
create function private.require_visible_references()
returns trigger
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  -- The arguments come in triples: a column of the row, the catalog table (in public) whose
  -- id it references, and the column's length bound: a longer value is left to the column's
  -- length check, which refuses it with 23514 anyway.
  pair integer := 0;
  column_name text;
  value text;
  visible boolean;
begin
  while pair < tg_nargs loop
    column_name := tg_argv[pair];
    value := to_jsonb(new) ->> column_name;
    if value is not null and length(value) <= tg_argv[pair + 2]::integer
      and (tg_op = 'INSERT' or value is distinct from to_jsonb(old) ->> column_name) then
      execute format(
        'select exists (select from public.%I as p where p.id = $1)', tg_argv[pair + 1]
      ) into visible using value;
      if not visible then
        raise exception using
          errcode = '23503',
          message = format('%s: no %s with id %s is visible to you', column_name,
            tg_argv[pair + 1], value),
          hint = format('Pick an active row of %s.', tg_argv[pair + 1]);
      end if;
    end if;
    pair := pair + 3;
  end loop;
  return new;
end;
$$;
comment on function private.require_visible_references() is
'BEFORE INSERT OR UPDATE trigger function: for each (column, catalog table, length bound) triple of its arguments, refuses (23503, naming the column) a newly set value that is not the id of a row of that table the writer can read. Clients see only active catalog rows, so a hidden id and a missing id get the same answer; service_role and the owner see all rows.';
revoke execute on function private.require_visible_references()
from public, anon, authenticated, service_role;

-- Named to sort before the other BEFORE triggers of each table (triggers fire by name).
create trigger ai_agents_a_require_visible_references
before insert or update of vendor_id, service_id on public.ai_agents
for each row execute function private.require_visible_references(
  'vendor_id', 'vendors', '63', 'service_id', 'vendor_services', '128'
);

create trigger agent_feature_mappings_a_require_visible_references
before insert or update of feature_id on public.agent_feature_mappings
for each row execute function private.require_visible_references(
  'feature_id', 'agent_features', '63'
);

create trigger ai_interactions_a_require_visible_references
before insert or update of interaction_type_id on public.ai_interactions
for each row execute function private.require_visible_references(
  'interaction_type_id', 'interaction_types', '63'
);
