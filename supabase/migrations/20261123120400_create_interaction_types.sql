-- Interaction types (seed 002, section 2): conversation, coding, ... Public metadata for UIs;
-- only service_role writes. Adding a type is an insert.
create table public.interaction_types (
  id text primary key,
  name text not null,
  description text,
  category text not null default 'general',
  icon text,
  color text,
  is_active boolean not null default true,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint interaction_types_id_format check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  constraint interaction_types_name_not_blank check (name ~ '\S' and length(name) <= 200),
  constraint interaction_types_description_length check (length(description) <= 4000),
  constraint interaction_types_category_format check (category ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint interaction_types_icon_length check (icon ~ '\S' and length(icon) <= 100),
  constraint interaction_types_color_hex check (color ~ '^#[0-9a-f]{6}$')
);

comment on table public.interaction_types is
'Kinds of interaction (conversation, coding, ...), replacing hard-coded values. Adding one is an insert.';
comment on column public.interaction_types.category is 'Grouping for UIs (lowercase identifier).';
comment on column public.interaction_types.icon is 'UI icon identifier, e.g. a Lucide icon name.';
comment on column public.interaction_types.color is 'UI color as lowercase #rrggbb.';
comment on column public.interaction_types.sort_order is 'Display order, ascending.';

create trigger interaction_types_set_updated_at
before update on public.interaction_types
for each row execute function private.set_updated_at();

alter table public.interaction_types enable row level security;

create policy interaction_types_select_everyone on public.interaction_types
for select to anon, authenticated
using (is_active);

revoke all on public.interaction_types from anon, authenticated, service_role;
grant select on public.interaction_types to anon, authenticated;
grant select, delete on public.interaction_types to service_role;
grant insert (id, name, description, category, icon, color, is_active, sort_order)
on public.interaction_types to service_role;
grant update (name, description, category, icon, color, is_active, sort_order)
on public.interaction_types to service_role;
