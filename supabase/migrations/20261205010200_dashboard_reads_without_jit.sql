-- The definer functions behind the dashboard reads never JIT-compile (issue 12). Each reads
-- the reader's rollup marks, and the planner estimates them from the whole marks table:
-- with 128,000 marks of eight other users waiting for the refresher (a job running late,
-- or pg_cron not yet enabled on a hosted project), it expected 16,000 marks for the reader,
-- estimated agent_lifetime_totals at 415,000 and compiled it: agent_summary took 170 to
-- 220 ms at large instead of 5 ms, the compilation nearly all of it. They read one user's
-- rollup rows and at most a few days of raw rows, where JIT never pays; as for the
-- refresher's functions (20261201020200).
alter function private.agent_lifetime_totals()
set jit = off;
alter function private.agent_interaction_totals(uuid, timestamptz, timestamptz)
set jit = off;
alter function private.cost_breakdown(text, text, date, date, uuid)
set jit = off;
