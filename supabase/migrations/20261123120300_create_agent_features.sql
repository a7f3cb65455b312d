-- The feature registry (seed 002, section 2): what an agent is for (coding, research, ...).
-- Public metadata for UIs; only service_role writes. Adding a feature is an insert.
create table public.agent_features (
  id text primary key,
  name text not null,
  description text,
  category text not null default 'general',
  icon text,
  is_active boolean not null default true,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_features_id_format check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  constraint agent_features_name_not_blank check (name ~ '\S' and length(name) <= 200),
  constraint agent_features_description_length check (length(description) <= 4000),
  constraint agent_features_category_format check (category ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint agent_features_icon_length check (icon ~ '\S' and length(icon) <= 100)
);

comment on table public.agent_features is
'Features an agent can have (brainstorming, coding, ...), replacing hard-coded enums. Adding one is an insert.';
comment on column public.agent_features.category is
'Grouping for UIs, e.g. creative, technical, information (lowercase identifier).';
comment on column public.agent_features.icon is 'UI icon identifier, e.g. a Lucide icon name.';
comment on column public.agent_features.sort_order is 'Display order, ascending.';

create trigger agent_features_set_updated_at
before update on public.agent_features
for each row execute function private.set_updated_at();

alter table public.agent_features enable row level security;

create policy agent_features_select_everyone on public.agent_features
for select to anon, authenticated
using (is_active);

revoke all on public.agent_features from anon, authenticated, service_role;
grant select on public.agent_features to anon, authenticated;
grant select, delete on public.agent_features to service_role;
grant insert (id, name, description, category, icon, is_active, sort_order)
on public.agent_features to service_role;
grant update (name, description, category, icon, is_active, sort_order)
on public.agent_features to service_role;
