-- Rollback of 20261130210100_create_interaction_messages.sql (dropping the table also takes
-- it out of the supabase_realtime publication).
drop function public.purge_message_content(integer);
drop function public.search_messages(text, integer);
drop table public.interaction_messages;
drop function private.number_interaction_message();
alter table public.ai_interactions drop constraint ai_interactions_id_user_id_key;
