"""What PostgreSQL runs for a read as the signed-in user: the plan of the query and of every
statement nested in the functions it calls (auto_explain, sent back as notices), and a
summary of how each plan reads the history (which tables and partitions, by index or
sequentially) and computes `auth.uid()` (once, in an InitPlan, or per row). The benchmark
reports the summary at every scale; the tests check it at small scale.

auto_explain is loaded per session, which needs a superuser: pass an admin connection
string. The request is read-only and rolled back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg

from .request import claims_for, set_request

#: The tables of the usage history (partitioned by month: their partitions are
#: private.<table>_pYYYY_MM and private.<table>_default).
HISTORY = ("ai_interactions", "model_calls")
#: auth.uid() is a SQL function: plans show it inlined, reading the JWT claims.
UID_MARKERS = ("auth.uid()", "request.jwt.claim")
#: The parts of a plan node that are evaluated per row.
CONDITIONS = ("Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond", "Merge Cond")
#: Prepared statements switch to a generic plan after five executions (PostgREST prepares
#: its statements, and so do functions for their own statements): both plans matter.
PLAN_MODES = {"custom": "force_custom_plan", "generic": "force_generic_plan"}
#: A month of history the read's range covers may rightly be read sequentially (a small
#: partition, or most of one); more partitions than this is a read of the whole table.
MAX_SEQUENTIAL_MONTHS = 3


def walk(node: dict, in_initplan: bool = False) -> Iterator[tuple[dict, bool]]:
    """(node, whether it sits inside an InitPlan) for every node of a plan."""
    in_initplan = in_initplan or node.get("Parent Relationship") == "InitPlan"
    yield node, in_initplan
    for child in node.get("Plans", []):
        yield from walk(child, in_initplan)


def history_table(relation: str | None) -> str | None:
    """The history table a relation of a plan belongs to: itself or one of its partitions."""
    for table in HISTORY:
        if relation == table or (relation or "").startswith((f"{table}_p", f"{table}_default")):
            return table
    return None


def uses_uid(node: dict, keys: tuple[str, ...]) -> bool:
    text = json.dumps([node.get(k) for k in keys])
    return any(marker in text for marker in UID_MARKERS)


def explaining(conn: psycopg.Connection, analyze: bool = False) -> list[dict]:
    """From now on, the plan of every statement `conn` runs, nested ones included, is
    appended (as JSON) to the list returned. `conn` must be a superuser's."""
    plans: list[dict] = []
    conn.add_notice_handler(
        lambda d: (
            plans.append(json.loads(d.message_primary.split("plan:", 1)[1]))
            if "plan:" in (d.message_primary or "")
            else None
        )
    )
    conn.execute("load 'auto_explain'")
    for setting, value in (
        ("log_min_duration", "0"),
        ("log_nested_statements", "on"),
        ("log_format", "json"),
        ("log_verbose", "on"),
        ("log_level", "notice"),
        ("log_analyze", "on" if analyze else "off"),
        ("log_timing", "off"),
    ):
        conn.execute(f"set auto_explain.{setting} = '{value}'")
    return plans


def plans_as_user(
    admin_dsn: str,
    sql: str,
    params: dict,
    user_id: Any,
    settings: tuple[str, ...] = (),
    analyze: bool = False,
    prepare: bool = False,
) -> list[dict]:
    """Every plan PostgreSQL runs for `sql` as the signed-in user (as postgres when
    `user_id` is None), nested statements of functions included; with `analyze`, the rows
    each node really read; with `prepare`, the query is a named prepared statement (so
    `plan_cache_mode` in `settings` decides between its custom and generic plan)."""
    with psycopg.connect(admin_dsn) as conn:
        plans = explaining(conn, analyze)
        for setting in settings:
            conn.execute(f"set {setting}")
        if user_id is None:
            conn.execute("set role postgres")
        else:
            conn.execute("set transaction read only")
            set_request(conn, claims_for("authenticated", user_id))
        conn.execute(sql, params, prepare=prepare).fetchall()
        conn.rollback()
    return [p["Plan"] for p in plans]


def small_partitions(admin_dsn: str, rows: int = 1000) -> frozenset[str]:
    """Partitions of the history holding fewer than `rows` rows (as last analyzed): the
    months ahead, a new month, the default partition. Reading one sequentially is cheaper
    than by index, and harmless."""
    with psycopg.connect(admin_dsn) as conn:
        return frozenset(
            name
            for (name,) in conn.execute(
                "select c.relname::text from pg_catalog.pg_inherits as i"
                " join pg_catalog.pg_class as c on c.oid = i.inhrelid"
                " where i.inhparent = any(%s::regclass[]) and c.reltuples < %s",
                ([f"public.{t}" for t in HISTORY], rows),
            )
        )


def summary(plans: list[dict], small: frozenset[str] = frozenset()) -> dict[str, Any]:
    """How the plans read the history and compute auth.uid():
    - `history`: for each history table read, the partitions (or the table) scanned and
      the kinds of scan;
    - `whole_table_sequential_scans`: history tables read sequentially as a whole, or more
      than MAX_SEQUENTIAL_MONTHS of their partitions (never acceptable);
      `sequential_partitions`: partitions read sequentially (a month that the read's range
      covers may rightly be), leaving out the `small` ones;
    - `uid_in_initplan` / `uid_per_row`: auth.uid() computed once per statement, or in a
      condition evaluated per row;
    - `sorts`: whether any plan touching the history sorts."""
    history: dict[str, dict[str, set[str]]] = {}
    whole, sequential = set(), set()
    uid_initplan = uid_per_row = sorts = False
    for plan in plans:
        touches = False
        kinds = set()
        for node, in_initplan in walk(plan):
            kinds.add(node["Node Type"])
            name = node.get("Relation Name")
            table = history_table(name)
            if table is not None:
                touches = True
                history.setdefault(table, {}).setdefault(name, set()).add(node["Node Type"])
                if node["Node Type"] == "Seq Scan" and name not in small:
                    (whole if name == table else sequential).add(name)
            if in_initplan and uses_uid(node, ("Output",)):
                uid_initplan = True
            if not in_initplan and uses_uid(node, CONDITIONS):
                uid_per_row = True
        sorts = sorts or (touches and "Sort" in kinds)
    # A partitioned table read sequentially shows as its partitions read sequentially: more
    # months than any dashboard range covers is the whole table.
    for table in HISTORY:
        months = [name for name in sequential if history_table(name) == table]
        if len(months) > MAX_SEQUENTIAL_MONTHS:
            whole.add(table)
    return {
        "history": {
            table: {name: sorted(kinds) for name, kinds in sorted(scans.items())}
            for table, scans in sorted(history.items())
        },
        "whole_table_sequential_scans": sorted(whole),
        "sequential_partitions": sorted(sequential),
        "uid_in_initplan": uid_initplan,
        "uid_per_row": uid_per_row,
        "sorts": sorts,
        "statements": len(plans),
    }


def read_plans(admin_dsn: str, sql: str, params: dict, user_id: Any) -> dict[str, Any]:
    """The summary of a read's custom and generic plans, as the signed-in user."""
    small = small_partitions(admin_dsn)
    return {
        mode: summary(
            plans_as_user(
                admin_dsn, sql, params, user_id, (f"plan_cache_mode = {setting}",), prepare=True
            ),
            small,
        )
        for mode, setting in PLAN_MODES.items()
    }
