-- The agent registry (seed 002, section 3). Owners read and write their own agents; every
-- signed-in user reads agents marked is_public; usage counters are kept by the database.
create table public.ai_agents (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  vendor_id text not null references public.vendors (id) on update cascade on delete restrict,
  service_id text,
  model_name text,
  system_prompt text,
  configuration jsonb not null default '{}',
  capabilities jsonb not null default '{}',
  notes text,
  tags text [] not null default '{}',
  activity_score real not null default 0,
  last_used_at timestamptz,
  usage_count integer not null default 0,
  is_active boolean not null default true,
  is_favorite boolean not null default false,
  is_public boolean not null default false,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ai_agents_service_belongs_to_vendor foreign key (service_id, vendor_id)
  references public.vendor_services (id, vendor_id) on update cascade on delete restrict,
  -- Target of the (agent_id, user_id) foreign keys: child rows belong to the agent's owner.
  constraint ai_agents_id_user_id_key unique (id, user_id),
  constraint ai_agents_name_not_blank check (name ~ '\S' and length(name) <= 200),
  -- Bounded like the ids they reference, so an oversized value is refused by a check before
  -- the btree index refuses it with 54000 (index row size).
  constraint ai_agents_vendor_id_length check (length(vendor_id) <= 63),
  constraint ai_agents_service_id_length check (length(service_id) <= 128),
  constraint ai_agents_description_length check (length(description) <= 4000),
  constraint ai_agents_model_name_format check (model_name ~ '^[^\s]{1,200}$'),
  constraint ai_agents_system_prompt_length check (length(system_prompt) <= 100000),
  constraint ai_agents_notes_length check (length(notes) <= 10000),
  constraint ai_agents_configuration_is_object check (
    jsonb_typeof(configuration) = 'object' and octet_length(configuration::text) <= 65536
  ),
  constraint ai_agents_capabilities_is_object check (
    jsonb_typeof(capabilities) = 'object' and octet_length(capabilities::text) <= 65536
  ),
  constraint ai_agents_tags_valid check (private.is_valid_tag_array(tags)),
  constraint ai_agents_activity_score_range check (activity_score between 0 and 1),
  constraint ai_agents_usage_count_non_negative check (usage_count >= 0)
);

comment on table public.ai_agents is
'AI agents, each owned by a user. Owners read and write their own; agents with is_public are readable (whole row) by every signed-in user.';
comment on column public.ai_agents.vendor_id is 'The vendor the agent runs on.';
comment on column public.ai_agents.service_id is
'Optional vendor service; when set it must be a service of vendor_id.';
comment on column public.ai_agents.model_name is 'The exact model, e.g. gpt-4o-2024-08-06 (no whitespace).';
comment on column public.ai_agents.configuration is 'Free-form settings (a JSON object, at most 64 KiB).';
comment on column public.ai_agents.capabilities is 'Structured capabilities (a JSON object, at most 64 KiB).';
comment on column public.ai_agents.tags is 'Searchable tags: at most 50, none blank, each at most 64 characters.';
comment on column public.ai_agents.activity_score is
'Recency-weighted activity in [0, 1], kept by update_agent_activity_score; not writable by clients.';
comment on column public.ai_agents.last_used_at is
'Start of the newest interaction; kept by the database, not writable by clients.';
comment on column public.ai_agents.usage_count is
'Number of interactions recorded; kept by the database, not writable by clients.';
comment on column public.ai_agents.is_public is
'Shared with every signed-in user (read only). Sharing shares the whole row, system prompt and notes included.';
comment on column public.ai_agents.user_id is
'Owner; defaults to the caller. Deleting the user deletes their agents.';

-- The four idx_* names are the ones seed 002 (section 6) gives; the contract's names win.
create index idx_ai_agents_user_id on public.ai_agents (user_id);
create index idx_ai_agents_activity_score on public.ai_agents (user_id, activity_score desc);
create index idx_ai_agents_last_used on public.ai_agents (user_id, last_used_at desc nulls last);
create index idx_ai_agents_vendor on public.ai_agents (vendor_id);
create index ai_agents_service_id_vendor_id_idx on public.ai_agents (service_id, vendor_id);
create index ai_agents_is_public_idx on public.ai_agents (is_public) where is_public;
create index ai_agents_tags_idx on public.ai_agents using gin (tags);
create index ai_agents_configuration_idx on public.ai_agents using gin (
  configuration jsonb_path_ops
);
create index ai_agents_capabilities_idx on public.ai_agents using gin (capabilities jsonb_path_ops);

create trigger ai_agents_set_updated_at
before update on public.ai_agents
for each row execute function private.set_updated_at();

alter table public.ai_agents enable row level security;

create policy ai_agents_select_authenticated on public.ai_agents
for select to authenticated
using (user_id = (select auth.uid()) or is_public);

create policy ai_agents_insert_authenticated on public.ai_agents
for insert to authenticated
with check (user_id = (select auth.uid()));

create policy ai_agents_update_authenticated on public.ai_agents
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create policy ai_agents_delete_authenticated on public.ai_agents
for delete to authenticated
using (user_id = (select auth.uid()));

revoke all on public.ai_agents from anon, authenticated, service_role;
grant select, delete on public.ai_agents to authenticated;
grant insert (
  id, name, description, vendor_id, service_id, model_name, system_prompt, configuration,
  capabilities, notes, tags, is_active, is_favorite, is_public, user_id
) on public.ai_agents to authenticated;
grant update (
  name, description, vendor_id, service_id, model_name, system_prompt, configuration,
  capabilities, notes, tags, is_active, is_favorite, is_public
) on public.ai_agents to authenticated;
grant select, delete on public.ai_agents to service_role;
grant insert (
  id, name, description, vendor_id, service_id, model_name, system_prompt, configuration,
  capabilities, notes, tags, is_active, is_favorite, is_public, user_id
) on public.ai_agents to service_role;
grant update (
  name, description, vendor_id, service_id, model_name, system_prompt, configuration,
  capabilities, notes, tags, is_active, is_favorite, is_public, activity_score,
  last_used_at, usage_count
) on public.ai_agents to service_role;
