-- Per-agent configuration entries (seed 002, section 4): one value per (agent, key).
-- Only the agent's owner reads and writes them; user_id is always the agent's owner.
create table public.ai_agent_configs (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  config_key text not null,
  config_value jsonb not null,
  config_type text not null default 'json',
  description text,
  is_encrypted boolean not null default false,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ai_agent_configs_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  constraint ai_agent_configs_agent_id_config_key_key unique (agent_id, config_key),
  constraint ai_agent_configs_config_key_format check (config_key ~ '^[A-Za-z][A-Za-z0-9_.-]{0,127}$'),
  constraint ai_agent_configs_config_type_valid check (
    config_type in ('string', 'number', 'boolean', 'json')
  ),
  constraint ai_agent_configs_config_value_matches_type check (
    config_type = 'json' or jsonb_typeof(config_value) = config_type
  ),
  constraint ai_agent_configs_encrypted_is_string check (
    not is_encrypted or jsonb_typeof(config_value) = 'string'
  ),
  constraint ai_agent_configs_config_value_size check (octet_length(config_value::text) <= 65536),
  constraint ai_agent_configs_description_length check (length(description) <= 4000)
);

comment on table public.ai_agent_configs is
'Configuration entries of an agent, one per (agent_id, config_key). Visible and writable only by the agent''s owner.';
comment on column public.ai_agent_configs.config_key is
'Key: a letter, then letters, digits, _ . or - (at most 128 characters).';
comment on column public.ai_agent_configs.config_type is
'Declared type of config_value: string, number or boolean (the JSON value must be of that type), or json (any JSON).';
comment on column public.ai_agent_configs.is_encrypted is
'The app encrypted the value before storing it (then config_value is a JSON string of ciphertext); agentsdb stores it as given. Vendor API keys belong in user_api_keys instead.';
comment on column public.ai_agent_configs.user_id is
'The agent''s owner (enforced by a foreign key on (agent_id, user_id)); defaults to the caller.';

create index ai_agent_configs_user_id_idx on public.ai_agent_configs (user_id);
create index ai_agent_configs_agent_id_user_id_idx on public.ai_agent_configs (agent_id, user_id);
create index ai_agent_configs_config_value_idx on public.ai_agent_configs using gin (
  config_value jsonb_path_ops
);

create trigger ai_agent_configs_set_updated_at
before update on public.ai_agent_configs
for each row execute function private.set_updated_at();

alter table public.ai_agent_configs enable row level security;

create policy ai_agent_configs_select_authenticated on public.ai_agent_configs
for select to authenticated
using (user_id = (select auth.uid()));

create policy ai_agent_configs_insert_authenticated on public.ai_agent_configs
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and agent_id in (
    select a.id from public.ai_agents as a
    where a.user_id = (select auth.uid())
  )
);

create policy ai_agent_configs_update_authenticated on public.ai_agent_configs
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create policy ai_agent_configs_delete_authenticated on public.ai_agent_configs
for delete to authenticated
using (user_id = (select auth.uid()));

revoke all on public.ai_agent_configs from anon, authenticated, service_role;
grant select, delete on public.ai_agent_configs to authenticated, service_role;
grant insert (id, agent_id, config_key, config_value, config_type, description, is_encrypted, user_id)
on public.ai_agent_configs to authenticated, service_role;
grant update (config_key, config_value, config_type, description, is_encrypted)
on public.ai_agent_configs to authenticated, service_role;
