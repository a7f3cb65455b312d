-- JIT as the server decides again.
alter function private.agent_lifetime_totals()
reset jit;
alter function private.agent_interaction_totals(uuid, timestamptz, timestamptz)
reset jit;
alter function private.cost_breakdown(text, text, date, date, uuid)
reset jit;
