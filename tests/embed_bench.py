"""What an embed through a computed relationship costs (issue 12): the SQL PostgREST runs for
`parent?select=*,name(*)` through the function, against the same SQL with the former foreign
key's join written inline (what PostgREST generates for a foreign-key embed), as the
signed-in user, alternating, median of the runs after a warm-up, pages of 50 and 1,000.

Usage: scripts/bench-embeds DSN [--interactions N]. DSN: a database built from the
migrations, connected as its owner (postgres), e.g. the dev database. It adds one user with
N interactions (default 20,000, one every 20 minutes back from now, so over months of
partitions), four messages and one model call each, vacuums and analyzes, measures, then deletes the
user (and so everything it added)."""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import psycopg

from agentsdb.request import claims_for, request

CASES = {
    "ai_interactions -> interaction_messages": (
        "ai_interactions",
        "interaction_messages",
        False,
        '"m".* from "public"."interaction_messages" as "m" where "m"."interaction_id" ='
        ' "ai_interactions"."id" and "m"."user_id" = "ai_interactions"."user_id"',
    ),
    "interaction_messages -> ai_interactions": (
        "interaction_messages",
        "ai_interactions",
        True,
        '"i".* from "public"."ai_interactions" as "i" where "i"."id" ='
        ' "interaction_messages"."interaction_id" and "i"."user_id" ='
        ' "interaction_messages"."user_id"',
    ),
    "ai_interactions -> model_calls": (
        "ai_interactions",
        "model_calls",
        False,
        '"c".* from "public"."model_calls" as "c" where "c"."interaction_id" ='
        ' "ai_interactions"."id" and "c"."user_id" = "ai_interactions"."user_id"',
    ),
}


def embed_sql(parent: str, name: str, to_one: bool, body: str) -> str:
    """PostgREST's SQL for the embed, the page's limit and offset as parameters as PostgREST
    sends them (a literal limit gets a generic plan that sorts every row: decisions.md,
    "Partitioned interactions and generic plans")."""
    alias = f'"{parent}_{name}_1"'
    if to_one:
        join = f"left join lateral (select {body}) as {alias} on true"
        field = f"row_to_json({alias}.*)::jsonb"
    else:
        join = (
            f"left join lateral (select json_agg({alias})::jsonb as {alias}"
            f" from (select {body}) as {alias}) as {alias} on true"
        )
        field = f"coalesce({alias}.{alias}, '[]')"
    order = "started_at" if parent == "ai_interactions" else "created_at"
    return (
        f'select "public"."{parent}".*, {field} as "{name}" from "public"."{parent}" {join}'
        f' where "public"."{parent}"."user_id" = %(u)s'
        f' order by "public"."{parent}"."{order}" desc limit %(page)s offset %(offset)s'
    )


def populate(conn: psycopg.Connection, user: str, n: int) -> None:
    conn.execute(
        "insert into auth.users (id, email) values (%s, %s)", (user, f"embed-{user}@bench.test")
    )
    (agent,) = conn.execute(
        "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
        " values ('bench', 'openai', 'openai_gpt4o', %s) returning id",
        (user,),
    ).fetchone()
    conn.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, started_at)"
        " select %s, %s, 'bench', now() - k * interval '20 minutes'"
        " from generate_series(1, %s) as k",
        (agent, user, n),
    )
    conn.execute("select private.maintain_history_partitions()")
    for offset in range(0, n, 1000):  # each message takes a lock: a batch per transaction
        conn.execute(
            "insert into public.interaction_messages (interaction_id, user_id, role, content)"
            " select i.id, i.user_id, r, 'x' from (select id, user_id from public.ai_interactions"
            "  where user_id = %s order by id offset %s limit 1000) as i,"
            " unnest(array['user', 'assistant', 'user', 'assistant']) as r",
            (user, offset),
        )
    conn.execute(
        "insert into public.model_calls (user_id, agent_id, interaction_id, vendor_id,"
        " service_id, input_tokens, started_at)"
        " select i.user_id, i.agent_id, i.id, 'openai', 'openai_gpt4o', 3, i.started_at"
        " from public.ai_interactions as i where i.user_id = %s",
        (user,),
    )
    for table in ("ai_interactions", "interaction_messages", "model_calls"):
        conn.execute(f"vacuum analyze public.{table}")


def measure(conn: psycopg.Connection, user: str, runs: int = 7) -> None:
    claims = claims_for("authenticated", user)
    for page in (50, 1000):
        for label, (parent, name, to_one, inline) in CASES.items():
            through = f'"t".* from "public"."{name}"("{parent}"::"public"."{parent}") as "t"'
            times: dict[str, list[float]] = {"function": [], "inline": []}
            for _ in range(runs):
                for kind, body in (("function", through), ("inline", inline)):
                    with request(conn, claims, read_only=True):
                        start = time.perf_counter()
                        rows = conn.execute(
                            embed_sql(parent, name, to_one, body),
                            {"u": user, "page": page, "offset": 0},
                        ).fetchall()
                        times[kind].append((time.perf_counter() - start) * 1000)
                    assert len(rows) == page, (label, kind, len(rows))
            f = statistics.median(times["function"][1:])
            j = statistics.median(times["inline"][1:])
            print(
                f"page {page:5d} {label:42s} function {f:8.2f} ms"
                f"  inline join {j:8.2f} ms  ratio {f / j:5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dsn")
    parser.add_argument("--interactions", type=int, default=20_000)
    args = parser.parse_args()
    user = str(uuid.uuid4())
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        try:
            populate(conn, user, args.interactions)
            measure(conn, user)
        finally:
            conn.execute("delete from auth.users where id = %s", (user,))


if __name__ == "__main__":
    main()
