-- JIT as the server decides again.
alter function private.usage_mark_days(uuid [], timestamptz [], timestamptz [])
reset jit;
alter function private.refresh_daily_usage_stats_of(date, uuid)
reset jit;
