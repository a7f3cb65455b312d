drop table public.interaction_types;
