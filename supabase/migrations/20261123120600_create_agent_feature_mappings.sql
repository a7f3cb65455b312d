-- Which features each agent has (seed 002, section 3), at most one of them primary.
-- Only the agent's owner reads and writes them; user_id is always the agent's owner.
create table public.agent_feature_mappings (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  feature_id text not null references public.agent_features (id) on update cascade on delete restrict,
  is_primary boolean not null default false,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint agent_feature_mappings_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  constraint agent_feature_mappings_agent_id_feature_id_key unique (agent_id, feature_id),
  -- Bounded like agent_features.id, so an oversized value is refused by a check before the
  -- btree index refuses it with 54000 (index row size).
  constraint agent_feature_mappings_feature_id_length check (length(feature_id) <= 63)
);

comment on table public.agent_feature_mappings is
'Features of an agent (many to many), at most one primary per agent. Visible and writable only by the agent''s owner.';
comment on column public.agent_feature_mappings.is_primary is 'The agent''s main feature; at most one per agent.';
comment on column public.agent_feature_mappings.user_id is
'The agent''s owner (enforced by a foreign key on (agent_id, user_id)); defaults to the caller.';

create unique index agent_feature_mappings_one_primary_per_agent_idx
on public.agent_feature_mappings (agent_id) where is_primary;
create index agent_feature_mappings_feature_id_idx on public.agent_feature_mappings (feature_id);
create index agent_feature_mappings_user_id_idx on public.agent_feature_mappings (user_id);
create index agent_feature_mappings_agent_id_user_id_idx on public.agent_feature_mappings (
  agent_id, user_id
);

alter table public.agent_feature_mappings enable row level security;

create policy agent_feature_mappings_select_authenticated on public.agent_feature_mappings
for select to authenticated
using (user_id = (select auth.uid()));

create policy agent_feature_mappings_insert_authenticated on public.agent_feature_mappings
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and agent_id in (
    select a.id from public.ai_agents as a
    where a.user_id = (select auth.uid())
  )
);

create policy agent_feature_mappings_update_authenticated on public.agent_feature_mappings
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create policy agent_feature_mappings_delete_authenticated on public.agent_feature_mappings
for delete to authenticated
using (user_id = (select auth.uid()));

revoke all on public.agent_feature_mappings from anon, authenticated, service_role;
grant select, delete on public.agent_feature_mappings to authenticated, service_role;
grant insert (id, agent_id, feature_id, is_primary, user_id)
on public.agent_feature_mappings to authenticated, service_role;
grant update (feature_id, is_primary) on public.agent_feature_mappings to authenticated, service_role;
