drop view public.recent_interactions;
