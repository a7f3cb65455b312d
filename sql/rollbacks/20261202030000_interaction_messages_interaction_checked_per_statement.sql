-- Rollback of 20261202030000_interaction_messages_interaction_checked_per_statement.sql: the
-- foreign key (interaction_id, user_id) -> ai_interactions (id, user_id) again, in place of
-- the statement triggers (they go with their functions).
drop function private.interaction_messages_check_interaction() cascade;
drop function private.delete_messages_of_deleted_interactions() cascade;
drop function private.move_messages_of_changed_interactions() cascade;
drop function private.truncate_messages_of_truncated_interactions() cascade;
-- squawk-ignore constraint-missing-not-valid
alter table public.interaction_messages add constraint interaction_messages_interaction_owned_by_user
foreign key (interaction_id, user_id) references public.ai_interactions (id, user_id)
on update cascade on delete cascade;
comment on column public.interaction_messages.interaction_id is
'The interaction (conversation); it must belong to user_id (foreign key on (interaction_id, user_id)).';
