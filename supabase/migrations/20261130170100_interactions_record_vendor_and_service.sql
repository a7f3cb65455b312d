-- Interactions record the vendor and service they ran on (issue 10): the statistics group
-- by what was used at the time, so changing an agent's vendor or service later rewrites no
-- history. A BEFORE INSERT trigger copies the agent's vendor and service when the row names
-- none; clients cannot set or change them (the agent chooses); service_role may supply
-- them when importing history. Existing rows take their agent's current vendor and service
-- (the best that is known about them).

alter table public.ai_interactions
add column vendor_id text,
add column service_id text;
-- The constraints and indexes are added while the columns are still null, in the
-- transaction whose ADD COLUMN already holds the table's ACCESS EXCLUSIVE lock until commit
-- (and whose back-fill rewrites every row): NOT VALID or CONCURRENTLY would shorten no lock.
-- squawk-ignore adding-foreign-key-constraint,constraint-missing-not-valid
alter table public.ai_interactions add constraint ai_interactions_vendor_id_fkey
foreign key (vendor_id) references public.vendors (id) on update cascade on delete restrict;
-- squawk-ignore adding-foreign-key-constraint,constraint-missing-not-valid
alter table public.ai_interactions add constraint ai_interactions_service_belongs_to_vendor
foreign key (service_id, vendor_id) references public.vendor_services (id, vendor_id)
on update cascade on delete restrict;
-- squawk-ignore constraint-missing-not-valid
alter table public.ai_interactions add constraint ai_interactions_vendor_id_length
check (length(vendor_id) <= 63);
-- squawk-ignore constraint-missing-not-valid
alter table public.ai_interactions add constraint ai_interactions_service_id_length
check (length(service_id) <= 128);

comment on column public.ai_interactions.vendor_id is
'The vendor the interaction ran on, recorded at insert (the agent''s vendor then, unless service_role supplied one); statistics group by it. Not writable by clients, never changed by a later change of the agent.';
comment on column public.ai_interactions.service_id is
'The vendor service the interaction ran on, recorded with vendor_id (the agent''s service then; null when the agent had none).';

-- squawk-ignore require-concurrent-index-creation
create index ai_interactions_vendor_id_idx on public.ai_interactions (vendor_id);
-- squawk-ignore require-concurrent-index-creation
create index ai_interactions_service_id_vendor_id_idx on public.ai_interactions (
  service_id, vendor_id
) where service_id is not null;

create function private.record_interaction_vendor()
returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if new.vendor_id is null then
    -- The writer's own rights: the owner reads their agent, service_role every agent; a row
    -- naming an agent the writer cannot read is refused by its policy or foreign key anyway.
    -- A service given without its vendor (service_role) is kept: the foreign key then
    -- requires it to be a service of the agent's vendor.
    select a.vendor_id, coalesce(new.service_id, a.service_id) into new.vendor_id, new.service_id
    from public.ai_agents as a
    where a.id = new.agent_id;
  end if;
  return new;
end;
$$;
comment on function private.record_interaction_vendor() is
'BEFORE INSERT trigger on ai_interactions: a row without vendor_id gets its agent''s current vendor_id, and its service_id unless one was given, so the interaction keeps what it ran on whatever the agent becomes.';
revoke execute on function private.record_interaction_vendor()
from public, anon, authenticated, service_role;

create trigger ai_interactions_b_record_vendor
before insert on public.ai_interactions
for each row execute function private.record_interaction_vendor();

-- Back-fill without touching updated_at (the rows did not change in substance). Rows
-- starting more than a day ahead (possible only before ai_interactions_started_at_not_future)
-- would fail that check when updated: they stay null, and the statistics take their agent's
-- vendor for them.
alter table public.ai_interactions disable trigger ai_interactions_set_updated_at;
update public.ai_interactions as i
set vendor_id = a.vendor_id, service_id = a.service_id
from public.ai_agents as a
where a.id = i.agent_id and i.vendor_id is null and i.started_at <= now() + interval '1 day';
alter table public.ai_interactions enable trigger ai_interactions_set_updated_at;

grant select (vendor_id, service_id) on public.ai_interactions to authenticated;
grant insert (vendor_id, service_id) on public.ai_interactions to service_role;
