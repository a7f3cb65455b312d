"""Hostile values, PostgREST-shaped requests and the outcome rule of the hostile-input tests.

The rule every probe checks: a value sent by a client is either stored exactly (read back and
compared) or refused with a clear error whose SQLSTATE is allowed (`allowed()`), and after a refusal
every table has the rows it had before. Never an internal error (XX000), a syntax or
undefined-object error from inside our functions (42xxx other than 42501), a feature error
(0A000) or an index-size error (54000).

Requests are built as PostgREST builds them: the body is JSON text, cast to `json`, and
spread into typed columns or arguments by `json_to_recordset` / `json_to_record` with the
declared types of the columns or arguments, so a wrong JSON type surfaces as PostgreSQL's own
conversion error (22P02 ...), as it does behind the API.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import psycopg
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from psycopg import sql

from agentsdb.request import claims_for, request

# -- the outcome rule -----------------------------------------------------------------------

#: SQLSTATE classes and codes a refusal may carry.
ALLOWED_CLASSES = {
    "22": "data exception: wrong type or syntax (22P02), out of range (22003, 22008), bad "
    "encoding or NUL byte (22021, 22P05), bad time zone or argument (22023), null argument "
    "(22004), bad date/time (22007)",
    "23": "integrity constraint: check (23514), not null (23502), foreign key (23503), "
    "unique (23505), exclusion (23P01)",
}
ALLOWED_CODES = {
    "42501": "insufficient privilege: a column without a grant, row level security, a "
    "service-only function, not signed in",
    "PT404": "not found, or not visible to the caller (HTTP 404 through PostgREST)",
    "PT409": "the agent's state forbids the change: a lifecycle transition that is not allowed "
    "(HTTP 409 through PostgREST)",
}
#: Only for JSON nested deeper than the server's stack: the JSON parser refuses it (54001
#: statement_too_complex) while reading the request, before any of our code runs. Nesting
#: that parses is stored or refused like any other value.
DEEP_JSON_CODES = {"54001"}


def allowed(code: str | None, *, deep_json: bool = False) -> bool:
    if code is None:
        return False
    if code in ALLOWED_CODES or code[:2] in ALLOWED_CLASSES:
        return True
    return deep_json and code in DEEP_JSON_CODES


def describe(exc: psycopg.Error) -> str:
    diag = exc.diag
    return f"[{exc.sqlstate}] {(diag.message_primary or str(exc))[:300]} ({diag.context or ''})"


def check_refusal(exc: psycopg.Error, *, deep_json: bool = False) -> None:
    assert allowed(exc.sqlstate, deep_json=deep_json), f"not a clean refusal: {describe(exc)}"
    assert exc.diag.message_primary, "a refusal must say what is wrong"


# -- hypothesis profile -----------------------------------------------------------------------


#: Derandomized, so CI sees the same examples every run; no deadline (a 1 MB value takes a
#: while); the fixture database is reused across examples on purpose.
def hostile_settings(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# -- hostile values ---------------------------------------------------------------------------

MIB = 1024 * 1024


@dataclass(frozen=True)
class RawJson:
    """A JSON fragment sent as is: deeper than Python's json module can write, or malformed."""

    text: str
    deep: bool = False

    def __repr__(self) -> str:
        return (
            f"RawJson({self.text[:40]!r}{'...' if len(self.text) > 40 else ''}, {len(self.text)})"
        )


def noise(seed: int, length: int) -> str:
    """`length` hex characters that do not compress well (so they reach index size limits)."""
    return hashlib.shake_256(seed.to_bytes(8, "big")).hexdigest((length + 1) // 2)[:length]


def deep(depth: int, kind: str = "list") -> RawJson:
    if kind == "list":
        return RawJson("[" * depth + "]" * depth, deep=depth > 5000)
    return RawJson('{"a":' * depth + "1" + "}" * depth, deep=depth > 5000)


#: Lengths just under and over the named length checks, and far over every one of them.
LENGTHS = [63, 64, 65, 128, 129, 200, 201, 500, 501, 2001, 4001, 10_001, 65_537, 100_001, MIB + 1]

SQL_FRAGMENTS = [
    "'; drop table public.ai_agents; --",
    "'); delete from public.ai_interactions; --",
    "' or '1'='1",
    '" or ""="',
    "\\'; select pg_sleep(10); --",
    "$$; drop schema public cascade; $$",
    "robert'); drop table students;--",
    "%s %s %(x)s {0} ${x}",
    "\\",
    "'",
    '"',
    "; commit; begin;",
    "/* */ -- ",
    "E'\\x00'",
]

ODD_STRINGS = [
    "",
    " ",
    "\t\n\r",
    "\u00a0",
    "\u2003\u3000",
    "\u200b",
    "\ufeff",
    "\u202eevil",
    "a\u0000b",
    "\u0000",
    "\ud800",
    "\udfff\ud800",
    "🦀" * 70,
    "é" * 65,
    "null",
    "NULL",
    "None",
    "undefined",
    "true",
    "t",
    "f",
    "yes",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "infinity",
    "-infinity",
    "1e309",
    "-0",
    "0x10",
    "99999999999999999999",
    "-2147483649",
    "2147483648",
    "1.5",
    "{}",
    "[]",
    "{a,b}",
    "{{a,b},{c,d}}",
    "{NULL}",
    '{"",x}',
    "[3:4]={a,b}",
    "(1,2)",
    "epoch",
    "now",
    "today",
    "tomorrow",
    "allballs",
    "2026-02-30",
    "2026-01-01 25:00",
    "294277-01-01",
    "294276-12-31 23:59:59.999999+00",
    "4714-11-24 00:00:00+00 BC",
    "4714-11-23 BC",
    "0001-01-01 00:00:00+00",
    "0000-01-01",
    "2026-03-29 02:30 Europe/Paris",
    "2026-11-01 01:30 America/New_York",
    "2026-01-01 12:00 Mars/Olympus",
    "2026-01-01 12:00 UTC+25",
    "2026-01-01T00:00:00+99:00",
    "2026-01-01T00:00:00-15:59",
    "00000000-0000-0000-0000-000000000000",
    "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
    "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
    "a0eebc999c0b4ef8bb6d6bb9bd380a11",
    "not-a-uuid",
    "javascript:alert(1)",
    "https://",
    "https://example.test/a b",
    "http://example.test/" + "x" * 1990,
    "<script>alert(1)</script>",
    "../../etc/passwd",
]

MALFORMED_JSON = [
    RawJson("NaN"),
    RawJson("Infinity"),
    RawJson("-Infinity"),
    RawJson("{"),
    RawJson("[1,"),
    RawJson("{'a': 1}"),
    RawJson("[1,]"),
    RawJson('{"a" 1}'),
    RawJson("undefined"),
    RawJson("0x10"),
    RawJson("01"),
    RawJson('"\\ud800"'),
    RawJson('"\\u0000"'),
    RawJson('{"\\u0000": 1}'),
    RawJson("1e1000000"),
    RawJson("-1e-1000000"),
    RawJson('{"a": 1, "a": 2}'),
]

NUMBERS = [
    0,
    -1,
    1,
    5,
    6,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**63,
    -(2**63) - 1,
    10**400,
    -(10**400),
    1.5,
    -0.0,
    1e-30,
    1e308,
    -1e308,
    0.1 + 0.2,
    123456789.123456789,
    5e-324,
]

JSON_SHAPES = [
    {},
    [],
    [None],
    ["a", None],
    [[]],
    [["a", "b"], ["c", "d"]],
    [["a"], ["b", "c"]],
    [1, "a", None, {}],
    {"a": None},
    {"": ""},
    {"a": "\u0000"},
    {"\u0000": 1},
    {"nested": {"deeper": [1, {"deepest": True}]}},
    ["t"] * 51,
    ["x" * 65],
    [" "],
    [""],
]


def huge_strings() -> st.SearchStrategy[str]:
    incompressible = st.builds(noise, st.integers(0, 2**32), st.sampled_from(LENGTHS))
    repeated = st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", " ", "é", "🦀", "\u0000"]),
        st.sampled_from(LENGTHS),
    )
    return st.one_of(incompressible, repeated)


def huge_json() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda s: {"blob": s}, huge_strings()),
        st.builds(lambda n: ["t"] * n, st.sampled_from([51, 1000, 100_000])),
        st.builds(lambda n: {f"k{i}": i for i in range(n)}, st.sampled_from([1000, 10_000])),
        st.builds(lambda s: {s: 1}, huge_strings()),
        st.builds(
            deep,
            st.sampled_from([64, 1000, 4000, 30_000, 200_000]),
            st.sampled_from(["list", "object"]),
        ),
    )


def small_json() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


def hostile_values(good: list[Any] = ()) -> st.SearchStrategy[Any]:
    """Any JSON value a client might send, biased to the nasty; `good` mixes in valid values
    (ids that exist, the caller's uuid) so that some probes get past the first check."""
    return st.one_of(
        st.sampled_from(SQL_FRAGMENTS + ODD_STRINGS),
        st.sampled_from(NUMBERS),
        st.sampled_from(JSON_SHAPES),
        st.sampled_from(MALFORMED_JSON),
        st.sampled_from([float("nan"), float("inf"), float("-inf")]),
        st.text(),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        small_json(),
        huge_strings(),
        huge_json(),
        *([st.sampled_from(good)] * 3 if good else []),
    )


NUMERIC_STRINGS = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "-1e-400",
    "0.123456789012345678",
    "12345678.123456789",
    "99999999.99999999",
    "100000000",
    "-0.00000001",
    "00042",
    " 7 ",
    "1_000",
    "0x1F",
    "1,5",
]

TIME_STRINGS = [s for s in ODD_STRINGS if any(ch.isdigit() for ch in s) or s.isalpha()]


def typed_values(pg_type: str, good: list[Any]) -> st.SearchStrategy[Any]:
    """Values shaped for a column or argument of `pg_type` (a format_type() spelling)."""
    good_strings = [g for g in good if isinstance(g, str)]
    strings = st.one_of(
        huge_strings(),
        st.sampled_from(SQL_FRAGMENTS + ODD_STRINGS),
        st.text(),
        st.builds(
            lambda ch, n: ch * n,
            st.sampled_from(["x", "é", "🦀", " x"]),
            st.sampled_from(LENGTHS[:9]),
        ),
        st.sampled_from(good_strings),
    )
    if pg_type == "text":
        return strings
    if pg_type in (
        "integer",
        "bigint",
        "smallint",
        "real",
        "double precision",
    ) or pg_type.startswith("numeric"):
        return st.one_of(
            st.sampled_from(NUMBERS),
            st.integers(),
            st.floats(),
            st.sampled_from(NUMERIC_STRINGS),
            st.decimals(allow_nan=False, allow_infinity=False).map(str),
        )
    if pg_type.startswith("timestamp") or pg_type == "date":
        return st.one_of(
            st.sampled_from(TIME_STRINGS),
            st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
            st.datetimes().map(lambda d: d.isoformat() + " Mars/Olympus"),
            st.dates().map(str),
        )
    if pg_type == "uuid":
        return st.one_of(
            st.sampled_from([g for g in good_strings if len(g) == 36 and g.count("-") == 4]),
            st.uuids().map(str),
            st.sampled_from([s for s in ODD_STRINGS if "-" in s or "{" in s]),
        )
    if pg_type == "boolean":
        return st.one_of(
            st.booleans(), st.sampled_from(["t", "yes", "on", "maybe", 1, 0, 2, "", []])
        )
    if pg_type.endswith("[]"):
        return st.one_of(
            st.lists(strings, max_size=8),
            st.lists(st.one_of(st.none(), st.sampled_from(ODD_STRINGS)), max_size=60),
            st.sampled_from(JSON_SHAPES),
            st.builds(lambda n: ["t"] * n, st.sampled_from([50, 51, 100_000])),
            st.builds(lambda s: [s], huge_strings()),
        )
    if pg_type in ("jsonb", "json"):
        return st.one_of(
            small_json(),
            huge_json(),
            st.sampled_from(JSON_SHAPES),
            st.sampled_from(MALFORMED_JSON),
            strings,
        )
    return hostile_values(good)


def values_for(pg_type: str, good: list[Any]) -> st.SearchStrategy[Any]:
    """Mostly values of the right shape (they reach the constraints), some of any shape."""
    typed = typed_values(pg_type, good)
    return st.one_of(typed, typed, typed, hostile_values(good))


def is_deep(value: Any) -> bool:
    return isinstance(value, RawJson) and value.deep


def to_json(value: Any, *, ascii_only: bool = True) -> str:
    """JSON text as a client would send it (RawJson fragments verbatim; NaN/Infinity floats
    as Python writes them, which is not JSON: the server must refuse them)."""
    if isinstance(value, RawJson):
        return value.text
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                json.dumps(k, ensure_ascii=ascii_only) + ":" + to_json(v, ascii_only=ascii_only)
                for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(to_json(v, ascii_only=ascii_only) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate: only its \u escape can be sent
        text = json.dumps(value)
    return text


# -- PostgREST-shaped requests ------------------------------------------------------------------


def column_types(conn: psycopg.Connection, table: str) -> dict[str, str]:
    rows = conn.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute as a"
        " where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped",
        [f"public.{table}"],
    ).fetchall()
    return dict(rows)


def _record_defs(types: dict[str, str], columns: list[str]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(types[c])) for c in columns
    )


def body_text(body: dict[str, Any], *, ascii_only: bool = True) -> str:
    return "[" + to_json(body, ascii_only=ascii_only) + "]"


def insert_query(table: str, types: dict[str, str], columns: list[str]) -> sql.Composable:
    """POST /table: the body spread by json_to_recordset into the declared column types."""
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    return sql.SQL(
        "insert into {t} ({cols}) select {cols} from json_to_recordset(%s::json) as _({defs})"
        " returning id::text"
    ).format(t=sql.Identifier("public", table), cols=cols, defs=_record_defs(types, columns))


def update_query(table: str, types: dict[str, str], columns: list[str]) -> sql.Composable:
    """PATCH /table?id=eq.X: the same spreading, one row."""
    sets = sql.SQL(", ").join(sql.SQL("{c} = _.{c}").format(c=sql.Identifier(c)) for c in columns)
    return sql.SQL(
        "update {t} as t set {sets} from json_to_recordset(%s::json) as _({defs})"
        " where t.id = %s returning t.id::text"
    ).format(t=sql.Identifier("public", table), sets=sets, defs=_record_defs(types, columns))


def coerced_query(types: dict[str, str], column: str) -> sql.Composable:
    """What the body's value becomes in the column's declared type (the expected stored
    value), as jsonb text."""
    return sql.SQL(
        "select to_jsonb(_.{c})::text from json_to_recordset(%s::json) as _({defs})"
    ).format(c=sql.Identifier(column), defs=_record_defs(types, [column]))


def stored_query(table: str, column: str) -> sql.Composable:
    return sql.SQL("select to_jsonb(t.{c})::text, t.{c} from {t} as t where t.id = %s").format(
        c=sql.Identifier(column), t=sql.Identifier("public", table)
    )


@dataclass
class Outcome:
    row_id: str | None = None
    expected: str | None = None  # jsonb text of the coerced value
    error: psycopg.Error | None = None


def write(
    conn: psycopg.Connection,
    claims: dict[str, Any],
    table: str,
    body: dict[str, Any],
    column: str,
    *,
    row_id: str | None = None,
    ascii_only: bool = True,
) -> Outcome:
    """One PostgREST-style insert (or update of `row_id`) in its own transaction; on success
    also returns, from the same transaction, what `column`'s value coerces to."""
    types = column_types(conn, table)
    conn.rollback()
    text = body_text(body, ascii_only=ascii_only)
    columns = list(body)
    try:
        with request(conn, claims):
            if row_id is None:
                rows = conn.execute(insert_query(table, types, columns), [text]).fetchall()
            else:
                rows = conn.execute(update_query(table, types, columns), [text, row_id]).fetchall()
            assert len(rows) == 1, f"{table}: expected one row written, got {len(rows)}"
            expected = conn.execute(coerced_query(types, column), [text]).fetchone()[0]
        return Outcome(row_id=rows[0][0], expected=expected)
    except psycopg.Error as exc:
        conn.rollback()
        return Outcome(error=exc)


def rpc_query(function: str, types: dict[str, str], args: list[str]) -> sql.Composable:
    """POST /rpc/function: named arguments spread by json_to_record, as PostgREST calls."""
    call = sql.SQL("{}({})").format(
        sql.Identifier("public", function),
        sql.SQL(", ").join(sql.SQL("{a} => _.{a}").format(a=sql.Identifier(a)) for a in args),
    )
    if not args:
        return sql.SQL("select to_jsonb(r)::text from {} as r").format(call)
    return sql.SQL(
        "select to_jsonb(r)::text from json_to_record(%s::json) as _({defs}), lateral {call} as r"
    ).format(defs=_record_defs(types, args), call=call)


# -- state ------------------------------------------------------------------------------------


def table_counts(admin: psycopg.Connection) -> dict[str, int]:
    """Rows of every table of the application and of auth.users, read as the owner."""
    tables = [
        r[0]
        for r in admin.execute(
            "select c.relnamespace::regnamespace::text || '.' || c.relname from pg_class as c"
            " where c.relkind in ('r', 'p') and not c.relispartition and c.relnamespace in"
            " ('public'::regnamespace, 'private'::regnamespace)"
            " order by 1"
        )
    ] + ["auth.users"]
    query = sql.SQL(" union all ").join(
        sql.SQL("select {name}, count(*) from {t}").format(
            name=sql.Literal(t), t=sql.Identifier(*t.split("."))
        )
        for t in tables
    )
    return dict(admin.execute(query).fetchall())


#: Bookkeeping an accepted write appends to besides its own row: the audit trail, and the
#: marks of usage whose rollups must be recomputed (tests/test_rollups.py covers them), and
#: an agent's lifecycle history, and what budgets derive from usage (their spend counters
#: and alerts, tests/test_budgets.py).
BOOKKEEPING = (
    "public.audit_logs",
    "private.usage_rollup_marks",
    "public.agent_status_history",
    "private.budget_spend",
    "public.budget_alerts",
)


def without_audit(counts: dict[str, int]) -> dict[str, int]:
    """Counts of the application's own rows: an accepted write also appends to audit_logs,
    usage_rollup_marks and (an agent's creation) agent_status_history, whose own tests cover
    them; a refused one must leave even those unchanged."""
    return {table: n for table, n in counts.items() if table not in BOOKKEEPING}


@dataclass
class World:
    """Two users with an agent each, an API key for the first, in a committed database."""

    dsn: str
    alice: str
    bob: str
    alice_agent: str
    bob_agent: str
    good: list[Any]

    def claims(self, role: str = "authenticated") -> dict[str, Any]:
        return claims_for(role, self.alice if role == "authenticated" else None)


def build_world(dsn: str) -> World:
    with psycopg.connect(dsn, autocommit=True) as admin:
        users = []
        for name in ("alice", "bob"):
            users.append(
                admin.execute(
                    "insert into auth.users (id, email) values (gen_random_uuid(), %s)"
                    " returning id::text",
                    [f"{name}@example.test"],
                ).fetchone()[0]
            )
        agents = []
        for uid in users:
            with request(admin, claims_for("authenticated", uid)):
                agents.append(
                    admin.execute(
                        "insert into public.ai_agents (name, vendor_id) values ('probe', 'openai')"
                        " returning id::text"
                    ).fetchone()[0]
                )
        with request(admin, claims_for("authenticated", users[0])):
            admin.execute(
                "select from public.store_user_api_key("
                "'openai', 'sk-probe-0000-1111', null, 'probe')"
            )
        catalog = [
            r[0]
            for r in admin.execute(
                "select id from public.vendors union all select id from public.vendor_services"
                " union all select id from public.agent_features"
                " union all select id from public.interaction_types"
            )
        ]
    good = [
        *users,
        *agents,
        *catalog[:12],
        "active",
        "completed",
        "deleted",
        "string",
        "number",
        "boolean",
        "json",
        "api_key",
        "https://example.test/conversation/1",
        "2026-01-31T12:00:00Z",
        "2026-01-31",
        "sk-live-abcdefghijklmnop",
        "probe_key",
        ["coding", "research"],
        {"temperature": 0.2},
        3,
        30,
    ]
    return World(dsn, users[0], users[1], agents[0], agents[1], good)
