-- Rollback of 20261202030200_interaction_moved_across_months_keeps_its_type.sql: one trigger
-- for inserts and type changes again.
drop trigger ai_interactions_a_require_visible_references_insert on public.ai_interactions;
drop trigger ai_interactions_a_require_visible_references on public.ai_interactions;
create trigger ai_interactions_a_require_visible_references
before insert or update of interaction_type_id on public.ai_interactions
for each row execute function private.require_visible_references(
  'interaction_type_id', 'interaction_types', '63'
);
