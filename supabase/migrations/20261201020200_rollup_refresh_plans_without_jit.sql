-- refresh_usage_rollups took about a second per run whatever it had to do (issue 12):
-- measured on the bench's medium data with the rollups fresh, one mark of one user's
-- minute took 1,012 ms (median of 7), of which 2 x 490 ms compiling JIT code. The plan of
-- private.usage_mark_days (called twice a run) is estimated at 2.3M (its arms for users
-- whose every day is rebuilt read private.usage_events in full; they run only for those
-- users, so they are never executed on an ordinary run), far above jit_above_cost, so
-- PostgreSQL JIT-compiled it with inlining and optimization on every run. JIT off for
-- that function: the run then takes 24 ms for the busiest user's day, 6 ms for a median
-- user's. refresh_daily_usage_stats_of gets the same setting: its estimate grows with the
-- number of users (a nested loop per user) and would cross the threshold near 1,000 users
-- for a refresh that takes milliseconds.
alter function private.usage_mark_days(uuid [], timestamptz [], timestamptz [])
set jit = off;
alter function private.refresh_daily_usage_stats_of(date, uuid)
set jit = off;
