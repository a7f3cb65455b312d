import { createClient } from "npm:@supabase/supabase-js@2";
import type { Database } from "./database.types.ts";

const supabase = createClient<Database>(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_ANON_KEY")!,
);

// A select on the agent_summary view: the columns and their types come from the file.
// Money is numeric in the database and a JSON number in the answer; `::text` keeps it exact.
const { data: agents, error } = await supabase
  .from("agent_summary")
  .select(
    "id, name, interaction_count, total_cost, exact_cost:total_cost::text",
  )
  .eq("is_active", true)
  .order("activity_score", { ascending: false });
if (error) throw error;
for (const agent of agents) {
  const calls: number | null = agent.interaction_count;
  const exact: string | null = agent.exact_cost; // "1.41420000": add it up as a decimal
  console.log(agent.name, calls, agent.total_cost, exact);
}

// An RPC: its arguments and result are checked against the function's signature.
const agentId = agents[0]?.id;
if (agentId) {
  const { data: usage, error: rpcError } = await supabase.rpc(
    "get_agent_usage_summary",
    {
      agent_id: agentId,
      days: 30,
    },
  );
  if (rpcError) throw rpcError;
  const [summary] = usage;
  console.log(
    summary.interaction_count,
    summary.total_cost,
    summary.interactions_by_type,
  );
}
