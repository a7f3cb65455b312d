-- PostgREST's upsert (`on_conflict=id`, merge-duplicates) writes every column it was sent in
-- its DO UPDATE SET, the conflict key included (`id = excluded.id`), so the role needs UPDATE
-- on the key too (PostgREST issue #2446). Without it an upsert of features or interaction
-- types through the API is 42501. The value never changes (the conflict matched it), and a
-- key that references point at cannot change anyway (the foreign keys restrict updates).

grant update (id) on public.agent_features to service_role;
grant update (id) on public.interaction_types to service_role;
