"""The gateway's benchmark (scripts/bench-gateway): the same requests sent to the fake vendor
directly and through the gateway, interleaved in rounds, on a throwaway cluster.

- added latency: non-streamed OpenAI calls one after another; p50 and p95 of each path and
  the difference (what the gateway adds: token check, agent, key, admission, forwarding,
  recording, each a database transaction);
- throughput: 8 concurrent clients each streaming Anthropic messages (20 chunks) in a loop;
  calls per second on each path.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_vendor import FakeVendor  # noqa: E402
from test_gateway import DENO, GATEWAY, SECRET, make_user  # noqa: E402

from agentsdb.cli import Target  # noqa: E402
from agentsdb.local import LocalCluster, free_port  # noqa: E402
from conftest import settings_for  # noqa: E402


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench-gateway")
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per path")
    parser.add_argument("--streams", type=int, default=8, help="concurrent streaming clients")
    parser.add_argument("--per-stream", type=int, default=20, help="calls per streaming client")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="agentsdb-gwbench-"))
    cluster = LocalCluster(home, free_port())
    cluster.init()
    cluster.start()
    vendor = FakeVendor().start()
    gateway = None
    try:
        print("building the database from the migrations", file=sys.stderr)
        Target(settings_for(cluster), "postgres").build(io.StringIO())
        dsn = cluster.app_dsn()
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "update public.vendors set base_url = %s where id in ('openai', 'anthropic')",
                (vendor.base_url,),
            )
        user = make_user(dsn)
        port = free_port()
        gateway = subprocess.Popen(
            [
                str(DENO),
                "run",
                "--frozen",
                "--allow-net",
                "--allow-env",
                "--allow-sys",
                "--allow-read",
                "index.ts",
            ],
            cwd=GATEWAY,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={
                **os.environ,
                "NO_COLOR": "1",
                "PORT": str(port),
                "SUPABASE_DB_URL": cluster.url(),
                "AGENTSDB_JWT_SECRET": SECRET,
            },
        )
        assert '"listening"' in gateway.stdout.readline()
        # The gateway logs a line per call: drain it so the pipe never fills.
        threading.Thread(target=gateway.stdout.read, daemon=True).start()
        through = f"http://127.0.0.1:{port}/v1"
        direct_headers = {"authorization": f"Bearer {user.key}"}
        gateway_headers = {"authorization": f"Bearer {user.token}"}
        body = {"model": "gpt-5", "messages": [{"role": "user", "content": "Hello"}]}

        def timed_call(client: httpx.Client, url: str, headers: dict, payload: dict) -> float:
            start = time.perf_counter()
            resp = client.post(url, json=payload, headers=headers)
            resp.read()
            assert resp.status_code == 200, resp.text
            return time.perf_counter() - start

        # Warm up both paths (connections, JIT, the first queries' plans).
        with httpx.Client(timeout=30) as client:
            for _ in range(20):
                timed_call(client, vendor.base_url + "/chat/completions", direct_headers, body)
                timed_call(client, through + "/chat/completions", gateway_headers, body)
            direct: list[float] = []
            via: list[float] = []
            rounds = 5
            for _ in range(rounds):
                for _ in range(args.calls // rounds):
                    direct.append(
                        timed_call(
                            client, vendor.base_url + "/chat/completions", direct_headers, body
                        )
                    )
                for _ in range(args.calls // rounds):
                    via.append(
                        timed_call(client, through + "/chat/completions", gateway_headers, body)
                    )

        stream_body = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 256,
            "stream": True,
            "messages": [{"role": "user", "content": "Hello"}],
            "fake": {"chunks": 20},
        }

        def throughput(url: str, headers: dict) -> float:
            def client_loop() -> None:
                with httpx.Client(timeout=30) as client:
                    for _ in range(args.per_stream):
                        with client.stream("POST", url, json=stream_body, headers=headers) as r:
                            assert r.status_code == 200
                            for _ in r.iter_bytes():
                                pass

            threads = [threading.Thread(target=client_loop) for _ in range(args.streams)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return args.streams * args.per_stream / (time.perf_counter() - start)

        anthropic_direct = {"x-api-key": user.key}
        direct_rate = throughput(vendor.base_url + "/messages", anthropic_direct)
        via_rate = throughput(through + "/messages", gateway_headers)
        with psycopg.connect(dsn) as conn:
            recorded = conn.execute(
                "select count(*) from public.model_calls where user_id = %s", (user.id,)
            ).fetchone()[0]
        expected = 20 + len(via) + args.streams * args.per_stream  # warm-up included
        assert recorded == expected, (recorded, expected)

        figures = {
            "calls_per_path": len(direct),
            "direct_p50_ms": statistics.median(direct) * 1000,
            "direct_p95_ms": percentile(direct, 0.95) * 1000,
            "gateway_p50_ms": statistics.median(via) * 1000,
            "gateway_p95_ms": percentile(via, 0.95) * 1000,
            "streams": args.streams,
            "direct_streams_per_s": direct_rate,
            "gateway_streams_per_s": via_rate,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg()[0],
        }
        figures["added_p50_ms"] = figures["gateway_p50_ms"] - figures["direct_p50_ms"]
        figures["added_p95_ms"] = figures["gateway_p95_ms"] - figures["direct_p95_ms"]
        print(f"latency, {len(direct)} sequential non-streamed calls per path (ms):")
        print(
            f"  direct   p50 {figures['direct_p50_ms']:7.2f}  p95 {figures['direct_p95_ms']:7.2f}"
        )
        print(
            f"  gateway  p50 {figures['gateway_p50_ms']:7.2f}  p95 {figures['gateway_p95_ms']:7.2f}"
        )
        print(f"  added    p50 {figures['added_p50_ms']:7.2f}  p95 {figures['added_p95_ms']:7.2f}")
        print(f"throughput, {args.streams} concurrent streams x {args.per_stream} calls:")
        print(f"  direct  {direct_rate:7.1f} calls/s")
        print(f"  gateway {via_rate:7.1f} calls/s ({via_rate / direct_rate:.0%} of direct)")
        print(f"every gateway call recorded: {recorded} rows")
        load = os.getloadavg()[0]
        print(f"on {os.cpu_count()} CPUs, load average {load:.1f} (figures need a quiet machine)")
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        if gateway is not None:
            gateway.terminate()
            gateway.wait(10)
        vendor.close()
        cluster.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
