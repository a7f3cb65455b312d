drop table public.ai_usage_stats;
