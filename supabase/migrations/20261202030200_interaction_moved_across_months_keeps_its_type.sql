-- ai_interactions is partitioned by month (20261202030100): an UPDATE that moves started_at to
-- another month deletes the row from its partition and inserts it into the other one, and the
-- BEFORE INSERT row triggers run again there. ai_interactions_a_require_visible_references
-- (before insert or update of interaction_type_id) then re-checked the interaction's type as
-- on a new row: an interaction whose type was deactivated since could be moved within its
-- month but not to another one (23503). The insert check now runs only on a new row: one
-- created by this transaction (created_at is the transaction's now(), which no API role may
-- set); a moved row keeps its created_at. The update check is unchanged (when the type
-- changes).
drop trigger ai_interactions_a_require_visible_references on public.ai_interactions;
create trigger ai_interactions_a_require_visible_references
before update of interaction_type_id on public.ai_interactions
for each row execute function private.require_visible_references(
  'interaction_type_id', 'interaction_types', '63'
);
create trigger ai_interactions_a_require_visible_references_insert
before insert on public.ai_interactions
for each row when (new.created_at >= now())
execute function private.require_visible_references(
  'interaction_type_id', 'interaction_types', '63'
);
comment on trigger ai_interactions_a_require_visible_references_insert on public.ai_interactions is
'The interaction type of a new interaction must be visible to the caller. Not on a row an UPDATE moves to another month''s partition (its created_at is older than the transaction): its type was checked when it was set.';
