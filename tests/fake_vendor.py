"""A fake AI vendor on the loopback for the gateway's tests: it speaks OpenAI chat completions
(POST /v1/chat/completions) and Anthropic messages (POST /v1/messages), streamed or not, and
behaves as the request's `fake` object says (the gateway forwards the body as it is):

    {"fake": {"mode": "ok" | "fail" | "stall" | "stall_mid" | "echo_key" | "stream_error"
                      | "ignore_stream",
              "status": 500, "usage": {...vendor's usage object...},
              "chunks": 3, "chunk_delay": 0.0}}

It keeps every request it received (path, headers, body), so a test can prove the vendor was
never called, or saw exactly the stored key.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# What the fake vendor reports unless told otherwise (OpenAI counts cached prompt tokens
# inside prompt_tokens and reasoning inside completion_tokens; Anthropic reports them apart).
OPENAI_USAGE = {
    "prompt_tokens": 1200,
    "completion_tokens": 350,
    "total_tokens": 1550,
    "prompt_tokens_details": {"cached_tokens": 200},
    "completion_tokens_details": {"reasoning_tokens": 50},
}
ANTHROPIC_USAGE = {
    "input_tokens": 900,
    "cache_read_input_tokens": 300,
    "cache_creation_input_tokens": 100,
    "output_tokens": 250,
}


class FakeVendor:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK add 40 ms to every answer.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with vendor.lock:
                    vendor.requests.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                        }
                    )
                vendor.answer(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def start(self) -> FakeVendor:
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()

    def calls(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.requests)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()

    # --- answers ---------------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        fake = body.get("fake") or {}
        mode = fake.get("mode", "ok")
        anthropic = handler.path.endswith("/messages")
        model = body.get("model", "unknown")
        if mode == "stall":
            self.stop.wait(fake.get("delay", 30))
            return
        if mode == "echo_key":
            key = handler.headers.get("x-api-key") or handler.headers.get("authorization", "")
            key = key.removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key}"
            return self.send_json(handler, 401, self.error(anthropic, "invalid_api_key", message))
        if mode == "fail":
            status = fake.get("status", 500)
            return self.send_json(
                handler, status, self.error(anthropic, "server_error", f"fake failure {status}")
            )
        usage = copy.deepcopy(fake.get("usage") or (ANTHROPIC_USAGE if anthropic else OPENAI_USAGE))
        if not body.get("stream") or mode == "ignore_stream":
            if anthropic:
                answer = {
                    "id": "msg_fake",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": "Hello from the fake vendor."}],
                    "stop_reason": "end_turn",
                    "stop_sequence": None,
                    "usage": usage,
                }
            else:
                answer = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {
                                "role": "assistant",
                                "content": "Hello from the fake vendor.",
                            },
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            return self.send_json(handler, 200, answer)
        self.stream(handler, body, fake, anthropic, usage, mode)

    @staticmethod
    def error(anthropic: bool, code: str, message: str) -> dict[str, Any]:
        if anthropic:
            return {"type": "error", "error": {"type": code, "message": message}}
        return {"error": {"message": message, "type": code, "code": code, "param": None}}

    @staticmethod
    def send_json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("x-request-id", "req_fake_1")
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def stream(self, handler, body, fake, anthropic: bool, usage, mode: str) -> None:
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream")
        handler.send_header("x-request-id", "req_fake_1")
        handler.send_header("connection", "close")
        handler.end_headers()
        model = body.get("model", "unknown")
        chunks = int(fake.get("chunks", 3))
        delay = float(fake.get("chunk_delay", 0))

        def send(event: str | None, data: Any) -> None:
            text = (f"event: {event}\n" if event else "") + f"data: {json.dumps(data)}\n\n"
            handler.wfile.write(text.encode())
            handler.wfile.flush()

        try:
            if anthropic:
                start_usage = {**usage, "output_tokens": 1}
                send(
                    "message_start",
                    {
                        "type": "message_start",
                        "message": {
                            "id": "msg_fake",
                            "type": "message",
                            "role": "assistant",
                            "model": model,
                            "content": [],
                            "stop_reason": None,
                            "stop_sequence": None,
                            "usage": start_usage,
                        },
                    },
                )
                send(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": 0,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
            for i in range(chunks):
                if mode == "stall_mid" and i == 1:
                    self.stop.wait(fake.get("delay", 30))
                    return
                if delay:
                    time.sleep(delay)
                if anthropic:
                    send(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": 0,
                            "delta": {"type": "text_delta", "text": f"word{i} "},
                        },
                    )
                else:
                    send(
                        None,
                        {
                            "id": "chatcmpl-fake",
                            "object": "chat.completion.chunk",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "delta": {"content": f"word{i} "},
                                    "finish_reason": None,
                                }
                            ],
                        },
                    )
            if mode == "stream_error":
                send("error" if anthropic else None, self.error(anthropic, "overloaded", "busy"))
                return
            if anthropic:
                send("content_block_stop", {"type": "content_block_stop", "index": 0})
                send(
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                        "usage": {"output_tokens": usage["output_tokens"]},
                    },
                )
                send("message_stop", {"type": "message_stop"})
            else:
                send(
                    None,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    },
                )
                if (body.get("stream_options") or {}).get("include_usage"):
                    send(
                        None,
                        {
                            "id": "chatcmpl-fake",
                            "object": "chat.completion.chunk",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [],
                            "usage": usage,
                        },
                    )
                handler.wfile.write(b"data: [DONE]\n\n")
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
