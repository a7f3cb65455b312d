-- Embedding from model_calls to what a call names, without foreign keys (issue 12).
-- The ledger's foreign keys are gone: to ai_agents (agent_id, user_id) and ai_interactions
-- (interaction_id) since calls outlive agents and interactions (20261130180100), to
-- vendors, vendor_services (service_id, vendor_id) and service_prices since the references
-- are checked once per statement (20261201010000). PostgREST embedded through each of them
-- (model_calls?select=*,vendors(*) and so on) and, from ai_interactions, to its calls.
-- Restored as computed relationships (see 20261203030000): to-one functions named after the
-- target, and ai_interactions -> model_calls, all security invoker, executable by the roles
-- that read model_calls (authenticated, service_role). The reverse embeds from the catalog
-- and from ai_agents to calls are not restored: no index serves them any more
-- (20261201010400) and each would put a vendor's or an agent's whole history in one field;
-- filter model_calls instead (model_calls?agent_id=eq.<id>), or read the rollups.

-- A call -> its vendor.
create function public.vendors(public.model_calls)
returns setof public.vendors
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select v.*
  from public.vendors as v
  where v.id = $1.vendor_id
$$;
comment on function public.vendors(public.model_calls) is
'Computed relationship for PostgREST embedding (to-one): model_calls?select=*,vendors(*) gives the call''s vendor (the former foreign key vendor_id, now checked per statement). Security invoker: vendors'' RLS decides. Not an RPC.';
revoke execute on function public.vendors(public.model_calls)
from public, anon, authenticated, service_role;
grant execute on function public.vendors(public.model_calls)
to authenticated, service_role;

-- A call -> its service (none for a call recorded without one).
create function public.vendor_services(public.model_calls)
returns setof public.vendor_services
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select s.*
  from public.vendor_services as s
  where s.id = $1.service_id and s.vendor_id = $1.vendor_id
$$;
comment on function public.vendor_services(public.model_calls) is
'Computed relationship for PostgREST embedding (to-one): model_calls?select=*,vendor_services(*) gives the call''s service (the former foreign key (service_id, vendor_id)); null for a call without a service. Security invoker: vendor_services'' RLS decides. Not an RPC.';
revoke execute on function public.vendor_services(public.model_calls)
from public, anon, authenticated, service_role;
grant execute on function public.vendor_services(public.model_calls)
to authenticated, service_role;

-- A call -> the price it was priced at (none for an unpriced or supplied cost).
create function public.service_prices(public.model_calls)
returns setof public.service_prices
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select p.*
  from public.service_prices as p
  where p.id = $1.price_id
$$;
comment on function public.service_prices(public.model_calls) is
'Computed relationship for PostgREST embedding (to-one): model_calls?select=*,service_prices(*) gives the price the call was priced at (the former foreign key price_id); null when the cost was supplied or nothing was priced. Security invoker: service_prices'' RLS decides. Not an RPC.';
revoke execute on function public.service_prices(public.model_calls)
from public, anon, authenticated, service_role;
grant execute on function public.service_prices(public.model_calls)
to authenticated, service_role;

-- A call -> its agent, while the agent exists.
create function public.ai_agents(public.model_calls)
returns setof public.ai_agents
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select a.*
  from public.ai_agents as a
  where a.id = $1.agent_id and a.user_id = $1.user_id
$$;
comment on function public.ai_agents(public.model_calls) is
'Computed relationship for PostgREST embedding (to-one): model_calls?select=*,ai_agents(*) gives the call''s agent (the former foreign key (agent_id, user_id)); null once the agent is deleted (calls outlive it). Security invoker: ai_agents'' RLS decides. Not an RPC.';
revoke execute on function public.ai_agents(public.model_calls)
from public, anon, authenticated, service_role;
grant execute on function public.ai_agents(public.model_calls)
to authenticated, service_role;

-- A call -> its interaction, while it exists. An overload of the message's one
-- (20261203030000): one embed name from two relations. limit 1: see 20261203030000.
create function public.ai_interactions(public.model_calls)
returns setof public.ai_interactions
rows 1
language sql
stable
security invoker
set search_path = ''
as $$
  select i.*
  from public.ai_interactions as i
  where i.id = $1.interaction_id and i.user_id = $1.user_id
  limit 1
$$;
comment on function public.ai_interactions(public.model_calls) is
'Computed relationship for PostgREST embedding (to-one): model_calls?select=*,ai_interactions(*) gives the call''s interaction (the former foreign key interaction_id; a call''s interaction is its user''s), at most one row; null for a call on its own or once the interaction is deleted (calls outlive it). Security invoker: RLS on ai_interactions decides. Not an RPC.';
revoke execute on function public.ai_interactions(public.model_calls)
from public, anon, authenticated, service_role;
grant execute on function public.ai_interactions(public.model_calls)
to authenticated, service_role;

-- An interaction -> its calls (one-to-many), oldest first, through
-- model_calls_interaction_id_idx in every month.
create function public.model_calls(public.ai_interactions)
returns setof public.model_calls
language sql
stable
security invoker
set search_path = ''
as $$
  select m.*
  from public.model_calls as m
  where m.interaction_id = $1.id and m.user_id = $1.user_id
  order by m.started_at, m.id
$$;
comment on function public.model_calls(public.ai_interactions) is
'Computed relationship for PostgREST embedding: ai_interactions?select=*,model_calls(*) lists the interaction''s model calls, oldest first (the former foreign key model_calls.interaction_id). Security invoker: RLS on model_calls decides. Not an RPC.';
revoke execute on function public.model_calls(public.ai_interactions)
from public, anon, authenticated, service_role;
grant execute on function public.model_calls(public.ai_interactions)
to authenticated, service_role;
