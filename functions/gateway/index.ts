// The agent gateway, a Supabase Edge Function: apps call vendors through it with the
// user's Supabase access token instead of a vendor key. It speaks OpenAI chat completions
// (POST .../v1/chat/completions) and Anthropic messages (POST .../v1/messages), streamed or
// not, so the vendors' SDKs work by changing their base URL. See README "The agent gateway".
//
// Environment: SUPABASE_DB_URL (given to every function on Supabase; locally the database),
// AGENTSDB_JWT_SECRET or SUPABASE_JWT_SECRET (the project's JWT secret, HS256) and/or
// SUPABASE_JWKS (the project's public signing keys, ES256/RS256; given on Supabase),
// AGENTSDB_GATEWAY_VENDOR_TIMEOUT_MS (default 120000), AGENTSDB_GATEWAY_DEFAULT_MAX_OUTPUT
// (default 4096), and PORT when served alone (`agentsdb functions serve`).

import { keysFor } from "./auth.ts";
import { PostgresDatabase } from "./db.ts";
import { createGateway } from "./gateway.ts";

function setting(name: string, fallback?: string): string {
  const value = Deno.env.get(name) ?? fallback;
  if (value === undefined || value === "") {
    throw new Error(`the gateway needs the environment variable ${name}`);
  }
  return value;
}

function positive(name: string, fallback: string): number {
  const value = Number(setting(name, fallback));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer`);
  }
  return value;
}

const keys = await keysFor(
  Deno.env.get("AGENTSDB_JWT_SECRET") || Deno.env.get("SUPABASE_JWT_SECRET") ||
    null,
  Deno.env.get("SUPABASE_JWKS") || null,
);
if (!keys.secret && keys.public.length === 0) {
  throw new Error(
    "the gateway needs AGENTSDB_JWT_SECRET (the project's JWT secret) or SUPABASE_JWKS",
  );
}

const handler = createGateway({
  db: new PostgresDatabase(setting("SUPABASE_DB_URL")),
  keys,
  vendorTimeoutMs: positive("AGENTSDB_GATEWAY_VENDOR_TIMEOUT_MS", "120000"),
  defaultMaxOutput: positive("AGENTSDB_GATEWAY_DEFAULT_MAX_OUTPUT", "4096"),
  log: (entry) =>
    console.log(JSON.stringify({ function: "gateway", ...entry })),
});

const port = Deno.env.get("PORT");
if (port) {
  Deno.serve({
    port: Number(port),
    hostname: Deno.env.get("HOST") ?? "127.0.0.1",
    onListen: ({ hostname, port }) =>
      console.log(
        JSON.stringify({
          function: "gateway",
          event: "listening",
          hostname,
          port,
        }),
      ),
  }, handler);
} else {
  Deno.serve(handler);
}
