// Everything the gateway asks the database, in one place. A session is one transaction run
// the way PostgREST runs a request: `role` and `request.jwt.claims` set transaction-locally
// (authenticated with the user's claims, so RLS decides; service_role only to decrypt the
// user's key and stamp its use), under the API roles' timeouts. A request takes two
// sessions: one before the vendor is called (agent, key, admission), one after (record).
// This implementation talks to PostgreSQL directly (SUPABASE_DB_URL, which Supabase gives
// every Edge Function, or the local database); the interfaces are the seam for one that
// goes through PostgREST with supabase-js and the user's token instead (each method a
// request of its own).

import postgres from "npm:postgres@3";
import type { Caller } from "./auth.ts";
import type { Usage } from "./wire.ts";

export interface Agent {
  id: string;
  vendor_id: string;
  service_id: string | null;
  base_url: string | null;
  /** The agent's service is no longer active (hidden from the user), and the requested
   * model names no other: the call could not be recorded. */
  service_inactive: boolean;
}

export interface Reservation {
  id: string;
}

export interface CallRecord extends Usage {
  agent_id: string;
  service_id: string | null;
  vendor_id: string;
  model_name: string | null;
  interaction_id: string | null;
  status: "succeeded" | "failed" | "cancelled";
  error_code: string | null;
  error_message: string | null;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  started_at: Date;
  ended_at: Date;
  metadata: Record<string, unknown>;
  idempotency_key: string;
  reservation_id: string | null;
}

export interface Recorded {
  id: string;
  cost: string | null;
}

/** A refusal by the database, with the SQLSTATE it raised. */
export class DatabaseError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface Session {
  /** The caller's own active agent: the one named, else the most recently used one whose
   * model (or whose service's model) is `model`. The service is the vendor's service of
   * that model name when the catalog has one, else the agent's. */
  agent(agentId: string | null, model: string | null): Promise<Agent | null>;
  /** Whether the interaction is the caller's, of this agent. */
  interaction(interactionId: string, agentId: string): Promise<boolean>;
  /** The caller's calls recorded under any of these idempotency keys. */
  recorded(
    idempotencyKeys: string[],
  ): Promise<(Recorded & { status: string })[]>;
  /** Claims the caller's idempotency key for a call about to be made, for `ttlSeconds`:
   * false when another attempt holds it (claim_idempotency_key). */
  claim(idempotencyKey: string, ttlSeconds: number): Promise<boolean>;
  /** Ends the claim of the key (release_idempotency_key), with the call's record. */
  release(idempotencyKey: string): Promise<void>;
  /** The caller's decrypted key for the vendor and service (as service_role), or null. */
  vendorKey(vendorId: string, serviceId: string | null): Promise<string | null>;
  /** The cost of `input` and `output` tokens at today's price, each kind at the dearest
   * price it could be billed at (0 when unpriced). */
  estimate(
    serviceId: string | null,
    input: number,
    output: number,
  ): Promise<string>;
  /** Admission against the caller's budgets: a reservation, or DatabaseError PT402. Null
   * when the database has no admission (public.admit_model_call is absent). */
  admit(agent: Agent, estimatedCost: string): Promise<Reservation | null>;
  record(call: CallRecord): Promise<Recorded>;
  /** Stamps the key's last use (as service_role); false when it is gone meanwhile. */
  stampKey(vendorId: string, serviceId: string | null): Promise<boolean>;
}

export interface Database {
  /** Runs `work` as the caller in one transaction: committed when it returns, rolled back
   * (nothing kept) when it throws. */
  session<T>(
    caller: Caller,
    work: (session: Session) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

type Sql = postgres.Sql;
type Tx = postgres.TransactionSql;

// PostgREST's per-request settings, as src/agentsdb/request.py sets them: the role, the
// claims, and the statement and lock timeouts of authenticator overridden by the role's own.
async function becomeRequest(
  tx: Tx,
  role: string,
  claims: Record<string, unknown>,
) {
  await tx`
    select
      set_config('role', ${role}, true),
      set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
      (select count(set_config(t.name, t.value, true)) from (
        select distinct on (split_part(c, '=', 1))
          split_part(c, '=', 1) as name, substr(c, strpos(c, '=') + 1) as value
        from pg_catalog.pg_db_role_setting as s, unnest(s.setconfig) as c
        where s.setrole in (to_regrole('authenticator'), to_regrole(${role}))
          and s.setdatabase in (0, (select oid from pg_catalog.pg_database
                                    where datname = current_database()))
          and split_part(c, '=', 1) in ('statement_timeout', 'lock_timeout')
        order by split_part(c, '=', 1), s.setrole = to_regrole(${role}) desc,
          s.setdatabase desc) as t)`;
}

function wrap(error: unknown): never {
  if (error instanceof postgres.PostgresError) {
    throw new DatabaseError(error.code, error.message);
  }
  throw error;
}

class TransactionSession implements Session {
  constructor(
    readonly tx: Tx,
    readonly caller: Caller,
    readonly hasAdmission: () => Promise<boolean>,
  ) {}

  /** `work` as service_role inside a savepoint (an error undoes only it), then back to the
   * caller. */
  async #asService<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.tx.savepoint(async (sp) => {
        await becomeRequest(sp, "service_role", { role: "service_role" });
        return await work(sp);
      }) as T;
    } finally {
      await becomeRequest(this.tx, "authenticated", this.caller.claims);
    }
  }

  async agent(agentId: string | null, model: string | null) {
    const rows = await this.tx<Agent[]>`
      select
        a.id, a.vendor_id, coalesce(m.id, s.id) as service_id, v.base_url,
        m.id is null and a.service_id is not null and s.id is null as service_inactive
      from public.ai_agents as a
      join public.vendors as v on v.id = a.vendor_id
      left join public.vendor_services as m
        on m.vendor_id = a.vendor_id and m.service_name = ${model}::text
      left join public.vendor_services as s on s.id = a.service_id
      where
        a.user_id = (select auth.uid())
        and a.is_active
        and case
          when ${agentId}::uuid is not null then a.id = ${agentId}::uuid
          else a.model_name = ${model}::text or s.service_name = ${model}::text
        end
      order by a.last_used_at desc nulls last, a.created_at, a.id
      limit 1`;
    return rows[0] ?? null;
  }

  async interaction(interactionId: string, agentId: string) {
    const rows = await this.tx<{ found: boolean }[]>`
      select exists (
        select from public.ai_interactions as i
        where
          i.id = ${interactionId}::uuid
          and i.user_id = (select auth.uid())
          and i.agent_id = ${agentId}::uuid
      ) as found`;
    return rows[0].found;
  }

  async recorded(idempotencyKeys: string[]) {
    return await this.tx<(Recorded & { status: string })[]>`
      select m.id, m.cost::text as cost, m.status from public.model_calls as m
      where
        m.user_id = (select auth.uid())
        and m.idempotency_key = any(${idempotencyKeys}::text[])`;
  }

  async claim(idempotencyKey: string, ttlSeconds: number) {
    const rows = await this.tx<{ claimed: boolean }[]>`
      select public.claim_idempotency_key(
        ${idempotencyKey}::text, ttl_seconds => ${ttlSeconds}::integer) as claimed`;
    return rows[0].claimed;
  }

  async release(idempotencyKey: string) {
    await this
      .tx`select public.release_idempotency_key(${idempotencyKey}::text)`;
  }

  async vendorKey(vendorId: string, serviceId: string | null) {
    try {
      const rows = await this.#asService((tx) =>
        tx<{ key: string }[]>`
          select public.get_user_api_key(
            ${this.caller.userId}::uuid, ${vendorId}::text, ${serviceId}::text) as key`
      );
      return rows[0].key;
    } catch (error) {
      if (error instanceof postgres.PostgresError && error.code === "PT404") {
        return null;
      }
      throw error;
    }
  }

  async estimate(serviceId: string | null, input: number, output: number) {
    const rows = await this.tx<{ cost: string }[]>`
      select coalesce((
        select (
          greatest(
            coalesce(p.input_per_million, 0), coalesce(p.cached_input_per_million, 0),
            coalesce(p.cache_write_per_million, 0)
          ) * ${input}::bigint
          + greatest(coalesce(p.output_per_million, 0), coalesce(p.reasoning_per_million, 0))
            * ${output}::bigint
        ) * 0.000001 + coalesce(p.per_request, 0)
        from public.service_prices as p
        where p.service_id = ${serviceId}::text and p.valid_during @> now()
      ), 0)::text as cost`;
    return rows[0].cost;
  }

  async admit(agent: Agent, estimatedCost: string) {
    if (!await this.hasAdmission()) return null;
    const rows = await this.tx<Reservation[]>`
      select r.id from public.admit_model_call(
        agent_id => ${agent.id}::uuid,
        estimated_cost => ${estimatedCost}::numeric,
        vendor_id => ${agent.vendor_id}::text,
        service_id => ${agent.service_id}::text
      ) as r`;
    return rows[0];
  }

  async record(call: CallRecord) {
    const tx = this.tx;
    const common = tx`
      agent_id => ${call.agent_id}::uuid,
      input_tokens => ${call.input_tokens}::integer,
      cached_input_tokens => ${call.cached_input_tokens}::integer,
      cache_write_tokens => ${call.cache_write_tokens}::integer,
      output_tokens => ${call.output_tokens}::integer,
      reasoning_tokens => ${call.reasoning_tokens}::integer,
      service_id => ${call.service_id}::text,
      vendor_id => ${call.vendor_id}::text,
      model_name => ${call.model_name}::text,
      interaction_id => ${call.interaction_id}::uuid,
      status => ${call.status}::text,
      error_code => ${call.error_code}::text,
      error_message => ${call.error_message}::text,
      latency_ms => ${call.latency_ms}::integer,
      time_to_first_token_ms => ${call.time_to_first_token_ms}::integer,
      started_at => ${call.started_at}::timestamptz,
      ended_at => ${call.ended_at}::timestamptz,
      metadata => ${tx.json(call.metadata as postgres.JSONValue)}::jsonb,
      idempotency_key => ${call.idempotency_key}::text`;
    const rows = call.reservation_id === null
      ? await tx<Recorded[]>`
        select m.id, m.cost::text as cost from public.record_model_call(${common}) as m`
      : await tx<Recorded[]>`
        select m.id, m.cost::text as cost from public.record_model_call(
          ${common}, reservation_id => ${call.reservation_id}::uuid) as m`;
    return rows[0];
  }

  async stampKey(vendorId: string, serviceId: string | null) {
    try {
      await this.#asService((tx) =>
        tx`select public.update_api_key_last_used(
          ${this.caller.userId}::uuid, ${vendorId}::text, ${serviceId}::text)`
      );
      return true;
    } catch (error) {
      if (error instanceof postgres.PostgresError && error.code === "PT404") {
        return false;
      }
      throw error;
    }
  }
}

export class PostgresDatabase implements Database {
  #sql: Sql;
  #hasAdmission: Promise<boolean> | null = null;

  constructor(url: string, max = 10) {
    this.#sql = postgres(url, {
      max,
      prepare: false,
      onnotice: () => {},
      connection: { application_name: "agentsdb-gateway" },
    });
  }

  #admission = (): Promise<boolean> =>
    this.#hasAdmission ??= this.#sql`
      select to_regprocedure(
        'public.admit_model_call(uuid, numeric, text, text, integer)'
      ) is not null as present`.then((rows) => rows[0].present as boolean);

  async session<T>(
    caller: Caller,
    work: (session: Session) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.#sql.begin(async (tx) => {
        await becomeRequest(tx, "authenticated", caller.claims);
        return await work(new TransactionSession(tx, caller, this.#admission));
      }) as T;
    } catch (error) {
      wrap(error);
    }
  }

  async close() {
    await this.#sql.end({ timeout: 5 });
  }
}
