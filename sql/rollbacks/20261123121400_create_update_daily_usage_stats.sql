drop function public.update_daily_usage_stats(date);
