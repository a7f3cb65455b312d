// The gateway's request handler: parse, authorize, ask the database (agent, admission,
// key), forward to the vendor, stream the answer back, record the call. The rules (who owns
// what, budgets, prices, idempotency) are the database's; this file only does HTTP.

import {
  bearer,
  type Caller,
  type Keys,
  Unauthorized,
  verify,
} from "./auth.ts";
import {
  type Agent,
  type CallRecord,
  type Database,
  DatabaseError,
} from "./db.ts";
import {
  describeRequest,
  emptyUsage,
  errorBody,
  type Format,
  responseUsage,
  route,
  StreamWatcher,
  type Usage,
  vendorBody,
  vendorError,
  vendorHeaders,
} from "./wire.ts";

export interface GatewayConfig {
  db: Database;
  /** What access tokens are verified with. */
  keys: Keys;
  /** How long the vendor may stay silent: before its headers, between two chunks of a
   * stream, and for a whole non-streamed body. */
  vendorTimeoutMs: number;
  /** The output tokens assumed for admission when the request sets no max_tokens. */
  defaultMaxOutput: number;
  /** One line per request; never given a key, a token or a body. */
  log: (entry: Record<string, unknown>) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BODY = 32 * 1024 * 1024;
// Attempts to record a call when the database fails (recording is idempotent).
const RECORD_ATTEMPTS = 3;

/** Errors worth retrying: no connection, serialization, deadlock, timeouts, resources. */
function transient(code: string): boolean {
  return code === "internal" || /^(08|40|53|57)/.test(code);
}

// Attempts under one idempotency key (the first and its retries after failures).
const MAX_ATTEMPTS = 10;
// How long a claim of a given idempotency key holds off a concurrent attempt when the
// gateway holding it dies before recording (released as soon as the call is recorded).
const CLAIM_TTL_SECONDS = 900;

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers":
    "authorization, x-api-key, apikey, content-type, x-client-info, idempotency-key, " +
    "x-agentsdb-agent, x-agentsdb-interaction, anthropic-version, anthropic-beta, *",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-expose-headers":
    "x-agentsdb-call-id, x-agentsdb-idempotency-key",
};

class Refusal extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS, "content-type": "application/json", ...headers },
  });
}

/** The key, wherever a vendor echoes it, replaced. */
function scrub(text: string, key: string): string {
  return key ? text.split(key).join("[redacted]") : text;
}

function truncate(text: string | null, length: number): string | null {
  return text === null ? null : text.slice(0, length);
}

class Timeout extends Error {}

/** Supabase's edge runtime ends a worker once its responses are done unless told to wait. */
function keepAlive(work: Promise<unknown>): void {
  const runtime = (globalThis as {
    EdgeRuntime?: { waitUntil?: (p: Promise<unknown>) => void };
  })
    .EdgeRuntime;
  runtime?.waitUntil?.(work);
}

/** `promise`, or a Timeout after `ms` (then `onTimeout` is called). */
async function within<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settled first, so the race ends with the Timeout, not with the aborted work's error.
      reject(new Timeout());
      onTimeout();
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Call {
  caller: Caller;
  agent: Agent;
  format: Format;
  stream: boolean;
  idempotencyKey: string;
  /** The idempotency key is claimed (the caller gave one): released with the record. */
  claimed: boolean;
  interactionId: string | null;
  reservationId: string | null;
  startedAt: Date;
  started: number;
}

export function createGateway(
  config: GatewayConfig,
): (request: Request) => Promise<Response> {
  const { db, log } = config;

  async function record(
    call: Call,
    outcome: {
      status: CallRecord["status"];
      usage: Usage;
      model: string | null;
      errorCode?: string | null;
      errorMessage?: string | null;
      ttft?: number | null;
      metadata?: Record<string, unknown>;
    },
  ): Promise<string | null> {
    const latency = Math.round(performance.now() - call.started);
    const entry: CallRecord = {
      ...outcome.usage,
      agent_id: call.agent.id,
      service_id: call.agent.service_id,
      vendor_id: call.agent.vendor_id,
      model_name: outcome.model && /^\S{1,200}$/.test(outcome.model)
        ? outcome.model
        : null,
      interaction_id: call.interactionId,
      status: outcome.status,
      error_code: truncate(outcome.errorCode ?? null, 200),
      error_message: truncate(outcome.errorMessage ?? null, 4000),
      latency_ms: latency,
      time_to_first_token_ms: outcome.ttft == null
        ? null
        : Math.min(outcome.ttft, latency),
      started_at: call.startedAt,
      ended_at: new Date(Math.max(Date.now(), call.startedAt.getTime())),
      metadata: {
        gateway: "agentsdb",
        format: call.format,
        stream: call.stream,
        ...outcome.metadata,
      },
      idempotency_key: call.idempotencyKey,
      reservation_id: call.reservationId,
    };
    // One transaction: the call, its reservation settled, the key's use stamped. Recording
    // is idempotent (the key), so a failure of the database is retried; an interaction
    // deleted meanwhile does not lose the call, which is then recorded on its own.
    let id: string | null = null;
    for (
      let attempt = 1;
      id === null && attempt <= RECORD_ATTEMPTS;
      attempt++
    ) {
      try {
        id = await db.session(call.caller, async (session) => {
          const recorded = await session.record(entry);
          if (call.claimed) await session.release(call.idempotencyKey);
          await session.stampKey(call.agent.vendor_id, call.agent.service_id);
          return recorded.id;
        });
      } catch (error) {
        const code = error instanceof DatabaseError ? error.code : "internal";
        log({
          event: "record_failed",
          attempt,
          idempotency_key: call.idempotencyKey,
          code,
          message: error instanceof Error ? error.message : String(error),
        });
        if (
          error instanceof DatabaseError &&
          error.message.startsWith("interaction_id:") &&
          entry.interaction_id !== null
        ) {
          entry.metadata = {
            ...entry.metadata,
            interaction_id_refused: entry.interaction_id,
          };
          entry.interaction_id = null;
        } else if (!transient(code)) {
          break;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    }
    log({
      event: "call",
      call_id: id,
      agent_id: call.agent.id,
      format: call.format,
      stream: call.stream,
      status: outcome.status,
      error_code: outcome.errorCode ?? null,
      latency_ms: entry.latency_ms,
    });
    return id;
  }

  async function handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const routed = route(path);
    if (request.method === "OPTIONS") {
      return new Response(null, { status: 204, headers: CORS });
    }
    if (!routed) {
      throw new Refusal(
        404,
        "not_found_error",
        "unknown path: the gateway serves POST .../v1/chat/completions and .../v1/messages",
      );
    }
    const { format, suffix } = routed;
    if (request.method !== "POST") {
      throw new Refusal(
        405,
        "invalid_request_error",
        "method: only POST is served",
      );
    }

    let caller: Caller;
    try {
      caller = await verify(bearer(request.headers), config.keys);
    } catch (error) {
      if (error instanceof Unauthorized) {
        throw new Refusal(401, "authentication_error", error.message);
      }
      throw error;
    }

    const text = await request.text();
    if (text.length > MAX_BODY) {
      throw new Refusal(413, "invalid_request_error", "body: at most 32 MiB");
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refusal(
        400,
        "invalid_request_error",
        "body: must be a JSON object",
      );
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new Refusal(
        400,
        "invalid_request_error",
        "body: must be a JSON object",
      );
    }
    const { model, stream, maxOutput } = describeRequest(format, body);

    const agentId = request.headers.get("x-agentsdb-agent");
    if (agentId !== null && !UUID.test(agentId)) {
      throw new Refusal(
        400,
        "invalid_request_error",
        "x-agentsdb-agent: must be an agent id (UUID)",
      );
    }
    if (agentId === null && model === null) {
      throw new Refusal(
        400,
        "invalid_request_error",
        "model: required (or name the agent in x-agentsdb-agent)",
      );
    }
    const interactionId = request.headers.get("x-agentsdb-interaction");
    if (interactionId !== null && !UUID.test(interactionId)) {
      throw new Refusal(
        400,
        "invalid_request_error",
        "x-agentsdb-interaction: must be an interaction id (UUID)",
      );
    }
    const givenKey = request.headers.get("idempotency-key");
    if (givenKey !== null && !/^\S.{0,179}$/.test(givenKey)) {
      throw new Refusal(
        400,
        "invalid_request_error",
        "idempotency-key: must be 1 to 180 characters, not starting with a space",
      );
    }
    const idempotencyKey = givenKey ?? crypto.randomUUID();

    // One transaction before the vendor is called; a refusal leaves nothing behind.
    let prepared: {
      agent: Agent;
      recordKey: string;
      key: string;
      reservationId: string | null;
    };
    try {
      prepared = await db.session(caller, async (session) => {
        const agent = await session.agent(agentId, model);
        if (!agent) {
          throw new Refusal(
            404,
            "not_found_error",
            agentId !== null
              ? "x-agentsdb-agent: no active agent of yours with this id"
              : "model: none of your active agents uses this model (or name one in x-agentsdb-agent)",
          );
        }
        if (agent.service_inactive) {
          throw new Refusal(
            400,
            "invalid_request_error",
            "model: the agent's vendor service is no longer active; choose an active model",
          );
        }
        if (!agent.base_url) {
          throw new Refusal(
            400,
            "invalid_request_error",
            `vendor ${agent.vendor_id}: the catalog has no base_url for it`,
          );
        }
        if (
          interactionId !== null &&
          !await session.interaction(interactionId, agent.id)
        ) {
          throw new Refusal(
            404,
            "not_found_error",
            "x-agentsdb-interaction: no interaction of yours with this id for this agent",
          );
        }
        // A key already recorded: succeeded, the retry is refused (409, the vendor is not
        // called again); failed or cancelled, the retry is a new attempt, recorded under
        // `<key>:retry:<n>`, so every vendor call counts once and a key's calls stay together.
        let recordKey = idempotencyKey;
        if (givenKey !== null) {
          const attempts = [
            idempotencyKey,
            ...Array.from(
              { length: MAX_ATTEMPTS - 1 },
              (_, i) => `${idempotencyKey}:retry:${i + 1}`,
            ),
          ];
          const done = await session.recorded(attempts);
          const succeeded = done.find((d) => d.status === "succeeded");
          if (succeeded || done.length >= MAX_ATTEMPTS) {
            throw new Refusal(
              409,
              "conflict_error",
              succeeded
                ? `idempotency-key: a call already succeeded under this key (model_calls.id ${succeeded.id}); use a new key for a new call`
                : `idempotency-key: ${MAX_ATTEMPTS} attempts already failed under this key; use a new key`,
            );
          }
          recordKey = attempts[done.length];
          // Claimed before the vendor is called, released with the record: an attempt
          // still in flight under the same key is not doubled by a concurrent retry (which
          // waits here for this transaction, then finds the key claimed).
          if (!await session.claim(recordKey, CLAIM_TTL_SECONDS)) {
            throw new Refusal(
              409,
              "conflict_error",
              "idempotency-key: an attempt under this key is still in flight; retry when it has ended",
            );
          }
        }

        const key = await session.vendorKey(agent.vendor_id, agent.service_id);
        if (key === null) {
          throw new Refusal(
            400,
            "api_key_missing",
            `api_key: you have no active API key for vendor ${agent.vendor_id}; store one with store_user_api_key`,
          );
        }

        // Admission: the one place the user's budgets are asked (admit_model_call). The
        // estimate is an upper bound, so parallel calls cannot overshoot a hard budget: no
        // more input tokens than the body has bytes, no more output than max_tokens (the
        // vendor enforces it; without one, defaultMaxOutput is assumed), each kind at its
        // dearest price.
        const estimate = await session.estimate(
          agent.service_id,
          new TextEncoder().encode(text).length,
          maxOutput ?? config.defaultMaxOutput,
        );
        const reservation = await session.admit(agent, estimate);
        return {
          agent,
          recordKey,
          key,
          reservationId: reservation?.id ?? null,
        };
      });
    } catch (error) {
      if (error instanceof DatabaseError && error.code === "PT402") {
        throw new Refusal(402, "budget_exceeded", error.message);
      }
      throw error;
    }
    const { agent, recordKey, key, reservationId } = prepared;

    const call: Call = {
      caller,
      agent,
      format,
      stream,
      idempotencyKey: recordKey,
      claimed: givenKey !== null,
      interactionId,
      reservationId,
      startedAt: new Date(),
      started: performance.now(),
    };
    const ours = {
      ...CORS,
      "x-agentsdb-idempotency-key": recordKey,
      "x-agentsdb-agent": agent.id,
    };
    return await forward(call, key, suffix, body, request.headers, ours);
  }

  async function forward(
    call: Call,
    key: string,
    suffix: string,
    body: Record<string, unknown>,
    incoming: Headers,
    ours: Record<string, string>,
  ): Promise<Response> {
    const { format } = call;
    const abort = new AbortController();
    let response: Response;
    try {
      response = await within(
        fetch(call.agent.base_url!.replace(/\/+$/, "") + suffix, {
          method: "POST",
          headers: vendorHeaders(format, key, incoming),
          body: vendorBody(format, body),
          signal: abort.signal,
        }),
        config.vendorTimeoutMs,
        () => abort.abort(),
      );
    } catch (error) {
      const timedOut = error instanceof Timeout;
      const id = await record(call, {
        status: "failed",
        usage: emptyUsage(),
        model: null,
        errorCode: timedOut ? "timeout" : "connection_error",
        errorMessage: timedOut
          ? `the vendor sent no answer within ${config.vendorTimeoutMs} ms`
          : "the vendor could not be reached",
      });
      return json(
        timedOut ? 504 : 502,
        errorBody(
          format,
          timedOut ? "timeout" : "api_connection_error",
          timedOut
            ? "the vendor did not answer in time"
            : "the vendor could not be reached",
        ),
        { ...ours, ...(id ? { "x-agentsdb-call-id": id } : {}) },
      );
    }

    const passed: Record<string, string> = { ...ours };
    for (
      const name of [
        "content-type",
        "x-request-id",
        "request-id",
        "retry-after",
      ]
    ) {
      const value = response.headers.get(name);
      if (value) passed[name] = value;
    }
    const vendorRequestId = response.headers.get("x-request-id") ??
      response.headers.get("request-id");
    const metadata: Record<string, unknown> = {
      vendor_status: response.status,
    };
    if (vendorRequestId) metadata.vendor_request_id = vendorRequestId;

    // A stream only when the vendor sends one (some ignore `stream` and answer in JSON).
    const streamed = call.stream && response.body !== null &&
      (response.headers.get("content-type") ?? "").includes(
        "text/event-stream",
      );
    if (!response.ok || !streamed) {
      let text: string;
      try {
        text = scrub(
          await within(
            response.text(),
            config.vendorTimeoutMs,
            () => abort.abort(),
          ),
          key,
        );
      } catch (error) {
        const timedOut = error instanceof Timeout;
        const id = await record(call, {
          status: "failed",
          usage: emptyUsage(),
          model: null,
          errorCode: timedOut ? "timeout" : "connection_error",
          errorMessage: timedOut
            ? `the vendor's answer did not complete within ${config.vendorTimeoutMs} ms`
            : "the vendor's answer broke off",
          metadata,
        });
        return json(
          504,
          errorBody(
            format,
            "timeout",
            "the vendor's answer did not complete in time",
          ),
          { ...ours, ...(id ? { "x-agentsdb-call-id": id } : {}) },
        );
      }
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (an HTML error page): recorded as text.
      }
      const { usage, model } = responseUsage(format, parsed);
      let id: string | null;
      if (response.ok) {
        id = await record(call, {
          status: "succeeded",
          usage: usage ?? emptyUsage(),
          model,
          metadata: { ...metadata, usage_reported: usage !== null },
        });
      } else {
        const error = vendorError(parsed);
        id = await record(call, {
          status: "failed",
          usage: usage ?? emptyUsage(),
          model,
          errorCode: error.code ?? `http_${response.status}`,
          errorMessage: error.message ?? (text || response.statusText),
          metadata,
        });
      }
      if (id) passed["x-agentsdb-call-id"] = id;
      return new Response(text, { status: response.status, headers: passed });
    }

    // A stream: every chunk goes to the client as it comes; the watcher reads the usage.
    const reader = response.body!.getReader();
    const watcher = new StreamWatcher(format);
    let ttft: number | null = null;
    let finished: Promise<unknown> | null = null;
    const finish = (
      status: CallRecord["status"],
      errorCode: string | null = null,
      errorMessage: string | null = null,
    ) =>
      finished ??= record(call, {
        status,
        usage: watcher.usage,
        model: watcher.model,
        errorCode,
        errorMessage,
        ttft,
        metadata: { ...metadata, usage_reported: watcher.usageSeen },
      });

    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await within(
            reader.read(),
            config.vendorTimeoutMs,
            () => abort.abort(),
          );
        } catch (error) {
          const timedOut = error instanceof Timeout;
          await finish(
            "failed",
            timedOut ? "timeout" : "connection_error",
            timedOut
              ? `the vendor's stream stalled for ${config.vendorTimeoutMs} ms`
              : "the vendor's stream broke off",
          );
          const event = format === "anthropic" ? "event: error\n" : "";
          const message = timedOut
            ? "the vendor's stream stalled"
            : "the vendor's stream broke off";
          controller.enqueue(
            new TextEncoder().encode(
              `${event}data: ${
                JSON.stringify(
                  errorBody(
                    format,
                    timedOut ? "timeout" : "api_error",
                    message,
                  ),
                )
              }\n\n`,
            ),
          );
          controller.close();
          return;
        }
        if (chunk.done) {
          const error = watcher.error;
          await finish(
            error ? "failed" : "succeeded",
            error ? error.code ?? "stream_error" : null,
            error ? error.message : null,
          );
          controller.close();
          return;
        }
        if (watcher.push(chunk.value)) {
          ttft = Math.round(performance.now() - call.started);
        }
        controller.enqueue(chunk.value);
      },
      async cancel() {
        // The client went away: stop the vendor and record what was seen. On Supabase the
        // worker is kept alive until the record is written (EdgeRuntime.waitUntil).
        abort.abort();
        const recorded = finish(
          "cancelled",
          "client_disconnected",
          "the client disconnected mid-stream",
        );
        keepAlive(recorded);
        await recorded;
      },
    });
    return new Response(stream, {
      status: response.status,
      headers: { ...passed, "cache-control": "no-cache" },
    });
  }

  return async (request: Request): Promise<Response> => {
    const format = route(new URL(request.url).pathname)?.format ?? "openai";
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof Refusal) {
        log({ event: "refused", status: error.status, type: error.type });
        return json(error.status, errorBody(format, error.type, error.message));
      }
      if (error instanceof DatabaseError) {
        log({
          event: "database_error",
          code: error.code,
          message: error.message,
        });
        return json(
          500,
          errorBody(
            format,
            "api_error",
            `the database refused the request (${error.code})`,
          ),
        );
      }
      log({
        event: "internal_error",
        message: error instanceof Error ? error.message : "?",
      });
      return json(500, errorBody(format, "api_error", "the gateway failed"));
    }
  };
}
