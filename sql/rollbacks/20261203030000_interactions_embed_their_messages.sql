-- Rollback of 20261203030000_interactions_embed_their_messages.sql: no embedding between
-- interactions and messages again.

drop function public.recent_interactions(public.interaction_messages);
drop function public.interaction_messages(public.recent_interactions);
drop function public.ai_interactions(public.interaction_messages);
drop function public.interaction_messages(public.ai_interactions);
