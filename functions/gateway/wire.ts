// The two wire formats the gateway speaks: OpenAI-compatible chat completions and Anthropic
// messages. Each knows its path, how to authenticate to the vendor, where the usage is in a
// response or a stream, and how an error looks, so an SDK pointed at the gateway reads the
// gateway's own errors (a refused budget, a missing key) as it reads the vendor's.

export type Format = "openai" | "anthropic";

/** Token counts as model_calls keeps them: five disjoint kinds. */
export interface Usage {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

export function emptyUsage(): Usage {
  return {
    input_tokens: 0,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
  };
}

/** The format a request path asks for, and the path to append to the vendor's base URL
 * (vendors.base_url ends with the API version, e.g. https://api.openai.com/v1). The
 * function is reached as /gateway/v1/... on Supabase, /v1/... when served alone. */
export function route(
  pathname: string,
): { format: Format; suffix: string } | null {
  if (/(^|\/)v1\/chat\/completions\/?$/.test(pathname)) {
    return { format: "openai", suffix: "/chat/completions" };
  }
  if (/(^|\/)v1\/messages\/?$/.test(pathname)) {
    return { format: "anthropic", suffix: "/messages" };
  }
  return null;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0
    ? Math.floor(value)
    : 0;
}

function object(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** OpenAI's usage object: prompt_tokens include the cached ones, completion_tokens the
 * reasoning ones; model_calls wants them apart. */
export function openaiUsage(raw: unknown): Usage | null {
  const usage = object(raw);
  if (Object.keys(usage).length === 0) return null;
  const cached = count(object(usage.prompt_tokens_details).cached_tokens);
  const reasoning = count(
    object(usage.completion_tokens_details).reasoning_tokens,
  );
  return {
    input_tokens: Math.max(count(usage.prompt_tokens) - cached, 0),
    cached_input_tokens: cached,
    cache_write_tokens: 0,
    output_tokens: Math.max(count(usage.completion_tokens) - reasoning, 0),
    reasoning_tokens: reasoning,
  };
}

/** Anthropic's usage object: input_tokens already excludes cache reads and writes. Thinking
 * tokens are billed as output and not reported apart. */
export function anthropicUsage(
  raw: unknown,
  into: Usage = emptyUsage(),
): Usage | null {
  const usage = object(raw);
  if (Object.keys(usage).length === 0) return null;
  if ("input_tokens" in usage) into.input_tokens = count(usage.input_tokens);
  if ("cache_read_input_tokens" in usage) {
    into.cached_input_tokens = count(usage.cache_read_input_tokens);
  }
  if ("cache_creation_input_tokens" in usage) {
    into.cache_write_tokens = count(usage.cache_creation_input_tokens);
  }
  if ("output_tokens" in usage) into.output_tokens = count(usage.output_tokens);
  return into;
}

/** Usage and model name of a whole (non-streamed) response body. */
export function responseUsage(
  format: Format,
  body: unknown,
): { usage: Usage | null; model: string | null } {
  const data = object(body);
  const model = typeof data.model === "string" ? data.model : null;
  const usage = format === "openai"
    ? openaiUsage(data.usage)
    : anthropicUsage(data.usage);
  return { usage, model };
}

/** The vendor's own error code and message from an error body, in either format. */
export function vendorError(
  body: unknown,
): { code: string | null; message: string | null } {
  const error = object(object(body).error);
  const code = [error.code, error.type].find((v) =>
    typeof v === "string" && v.trim() !== ""
  );
  const message = typeof error.message === "string" ? error.message : null;
  return { code: (code as string | undefined) ?? null, message };
}

/** Reads a server-sent event stream chunk by chunk and keeps what the gateway records: the
 * usage seen so far, the model, whether content has started, and an error event. */
export class StreamWatcher {
  usage: Usage = emptyUsage();
  usageSeen = false;
  model: string | null = null;
  error: { code: string | null; message: string | null } | null = null;
  firstToken = false;
  #pending = "";
  #decoder = new TextDecoder();

  constructor(readonly format: Format) {}

  /** Feeds raw bytes; returns true when this chunk carried the first content. */
  push(chunk: Uint8Array): boolean {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const before = this.firstToken;
    let newline: number;
    while ((newline = this.#pending.indexOf("\n")) >= 0) {
      const line = this.#pending.slice(0, newline).replace(/\r$/, "");
      this.#pending = this.#pending.slice(newline + 1);
      if (line.startsWith("data:")) this.#data(line.slice(5).trim());
    }
    return !before && this.firstToken;
  }

  #data(text: string): void {
    if (text === "" || text === "[DONE]") return;
    let event: Record<string, unknown>;
    try {
      event = object(JSON.parse(text));
    } catch {
      return;
    }
    if ("error" in event && object(event.error).message !== undefined) {
      this.error = vendorError(event);
      return;
    }
    if (this.format === "openai") {
      if (typeof event.model === "string") this.model = event.model;
      const usage = openaiUsage(event.usage);
      if (usage) {
        this.usage = usage;
        this.usageSeen = true;
      }
      const choices = Array.isArray(event.choices) ? event.choices : [];
      if (
        choices.some((c) => Object.keys(object(object(c).delta)).length > 0)
      ) {
        this.firstToken = true;
      }
      return;
    }
    switch (event.type) {
      case "message_start": {
        const message = object(event.message);
        if (typeof message.model === "string") this.model = message.model;
        if (anthropicUsage(message.usage, this.usage)) this.usageSeen = true;
        break;
      }
      case "content_block_delta":
        this.firstToken = true;
        break;
      case "message_delta":
        if (anthropicUsage(event.usage, this.usage)) this.usageSeen = true;
        break;
    }
  }
}

/** A gateway error in the format the client speaks. */
export function errorBody(
  format: Format,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  if (format === "anthropic") {
    return { type: "error", error: { type, message, ...extra } };
  }
  return { error: { message, type, code: type, param: null, ...extra } };
}

/** The request's model, stream flag and an upper bound of its output tokens. */
export function describeRequest(
  format: Format,
  body: Record<string, unknown>,
): { model: string | null; stream: boolean; maxOutput: number | null } {
  const model = typeof body.model === "string" && body.model.trim() !== ""
    ? body.model
    : null;
  const stream = body.stream === true;
  const limit = format === "openai"
    ? body.max_completion_tokens ?? body.max_tokens
    : body.max_tokens;
  return { model, stream, maxOutput: count(limit) || null };
}

/** The body sent to the vendor: the client's, with OpenAI streams asked to report usage
 * (stream_options.include_usage), without which a stream's tokens cannot be counted. */
export function vendorBody(
  format: Format,
  body: Record<string, unknown>,
): string {
  if (format === "openai" && body.stream === true) {
    return JSON.stringify({
      ...body,
      stream_options: { ...object(body.stream_options), include_usage: true },
    });
  }
  return JSON.stringify(body);
}

/** Headers for the vendor: its key in the header its format uses, and the few client
 * headers that change the vendor's behaviour. */
export function vendorHeaders(
  format: Format,
  key: string,
  incoming: Headers,
): Headers {
  const headers = new Headers({ "content-type": "application/json" });
  if (format === "anthropic") {
    headers.set("x-api-key", key);
    headers.set(
      "anthropic-version",
      incoming.get("anthropic-version") ?? "2023-06-01",
    );
    const beta = incoming.get("anthropic-beta");
    if (beta) headers.set("anthropic-beta", beta);
  } else {
    headers.set("authorization", `Bearer ${key}`);
  }
  const accept = incoming.get("accept");
  if (accept) headers.set("accept", accept);
  return headers;
}
