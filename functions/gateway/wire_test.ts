// Unit tests of the wire formats (`deno test`, run by tests/test_gateway.py): usage mapping,
// and stream parsing whatever the chunk boundaries.

import {
  anthropicUsage,
  describeRequest,
  openaiUsage,
  route,
  StreamWatcher,
  vendorBody,
  vendorError,
} from "./wire.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}

Deno.test("routes: both formats, with or without the function's prefix", () => {
  assertEquals(route("/v1/chat/completions"), {
    format: "openai",
    suffix: "/chat/completions",
  });
  assertEquals(route("/gateway/v1/messages"), {
    format: "anthropic",
    suffix: "/messages",
  });
  assertEquals(route("/v1/embeddings"), null);
  assertEquals(route("/v1/chat/completions/x"), null);
});

Deno.test("OpenAI usage: cached and reasoning tokens taken apart", () => {
  assertEquals(
    openaiUsage({
      prompt_tokens: 1200,
      completion_tokens: 350,
      prompt_tokens_details: { cached_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 50 },
    }),
    {
      input_tokens: 1000,
      cached_input_tokens: 200,
      cache_write_tokens: 0,
      output_tokens: 300,
      reasoning_tokens: 50,
    },
  );
  assertEquals(openaiUsage(null), null);
  // Nonsense from a vendor is never negative nor fractional.
  assertEquals(openaiUsage({ prompt_tokens: -5, completion_tokens: 2.7 }), {
    input_tokens: 0,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 2,
    reasoning_tokens: 0,
  });
});

Deno.test("Anthropic usage: the kinds as reported", () => {
  assertEquals(
    anthropicUsage({
      input_tokens: 900,
      cache_read_input_tokens: 300,
      cache_creation_input_tokens: 100,
      output_tokens: 250,
    }),
    {
      input_tokens: 900,
      cached_input_tokens: 300,
      cache_write_tokens: 100,
      output_tokens: 250,
      reasoning_tokens: 0,
    },
  );
});

const anthropicStream = [
  'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-x",' +
  '"usage":{"input_tokens":12,"cache_read_input_tokens":3,"output_tokens":1}}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,' +
  '"delta":{"type":"text_delta","text":"h\u00e9llo \u{1F600}"}}\n\n',
  'event: message_delta\r\ndata: {"type":"message_delta","usage":{"output_tokens":42}}\r\n\r\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].join("");

Deno.test("a stream's usage is read whatever the chunk boundaries", () => {
  const bytes = new TextEncoder().encode(anthropicStream);
  for (const size of [1, 2, 3, 7, 64, bytes.length]) {
    const watcher = new StreamWatcher("anthropic");
    let firsts = 0;
    for (let i = 0; i < bytes.length; i += size) {
      if (watcher.push(bytes.slice(i, i + size))) firsts++;
    }
    assertEquals(
      [watcher.model, watcher.usage, watcher.usageSeen, firsts, watcher.error],
      [
        "claude-x",
        {
          input_tokens: 12,
          cached_input_tokens: 3,
          cache_write_tokens: 0,
          output_tokens: 42,
          reasoning_tokens: 0,
        },
        true,
        1,
        null,
      ],
    );
  }
});

Deno.test("an OpenAI stream: first content, final usage chunk, error event", () => {
  const watcher = new StreamWatcher("openai");
  const push = (text: string) => watcher.push(new TextEncoder().encode(text));
  assertEquals(
    push('data: {"model":"gpt-x","choices":[{"index":0,"delta":{}}]}\n\n'),
    false,
  );
  assertEquals(
    push('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n'),
    true,
  );
  push(
    'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3}}\n\ndata: [DONE]\n\n',
  );
  assertEquals([
    watcher.model,
    watcher.usage.input_tokens,
    watcher.usage.output_tokens,
  ], [
    "gpt-x",
    5,
    3,
  ]);
  push('data: {"error":{"message":"busy","type":"overloaded"}}\n\n');
  assertEquals(watcher.error, { code: "overloaded", message: "busy" });
});

Deno.test("requests: stream flag, output bound, usage asked of OpenAI streams", () => {
  assertEquals(
    describeRequest("openai", {
      model: "m",
      stream: true,
      max_completion_tokens: 9,
    }),
    { model: "m", stream: true, maxOutput: 9 },
  );
  assertEquals(describeRequest("anthropic", { model: " ", max_tokens: "9" }), {
    model: null,
    stream: false,
    maxOutput: null,
  });
  assertEquals(
    JSON.parse(
      vendorBody("openai", { stream: true, stream_options: { x: 1 } }),
    ),
    { stream: true, stream_options: { x: 1, include_usage: true } },
  );
  assertEquals(JSON.parse(vendorBody("anthropic", { stream: true })), {
    stream: true,
  });
  assertEquals(vendorError({ error: { type: "t", message: "m" } }), {
    code: "t",
    message: "m",
  });
  assertEquals(vendorError("<html>"), { code: null, message: null });
});
