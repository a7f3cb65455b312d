"""The errors an app sees: every SQLSTATE agentsdb raises reaches the app through PostgREST
with the HTTP status docs/errors.md promises (404 not found, 400 bad input, 403 forbidden,
409 conflict), and the Python client raises the exception the same row names."""

from __future__ import annotations

import re

import psycopg
import pytest

from agentsdb import errors
from agentsdb.client import Client
from conftest import ROOT


def postgrest_status(code: str, signed_in: bool) -> int:
    """PostgREST's HTTP status for a SQLSTATE (PostgREST Error.hs pgErrorStatus, v12 to v14;
    SUPABASE-FACTS.md, "What PostgREST really runs")."""
    exact = {
        "23503": 409,
        "23505": 409,
        "25006": 405,
        "53400": 500,
        "57P01": 503,
        "P0001": 400,
        "42883": 404,
        "42P01": 404,
        "42P17": 500,
        "42501": 403 if signed_in else 401,
    }
    if code in exact:
        return exact[code]
    if code.startswith("PT"):
        return int(code[2:]) if code[2:].isdigit() else 500
    by_class = {
        "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500,
        "38": 500, "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500,
        "57": 500, "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500,
    }  # fmt: skip
    return by_class.get(code[:2], 400)


def documented() -> dict[str, tuple[set[int] | None, str]]:
    """docs/errors.md's table: SQLSTATE -> (HTTP statuses, or None for the client's own
    refusals, and the client exception). A code the client also raises itself keeps the row
    PostgREST answers."""
    rows = {}
    for line in (ROOT / "docs" / "errors.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        # "-": raised by the client itself, never answered by PostgREST.
        statuses = None if cells[1] == "-" else {int(n) for n in re.findall(r"\b\d{3}\b", cells[1])}
        exception = re.match(r"`?(\w+)", cells[3]).group(1)
        for code in re.findall(r"`([0-9A-Z]{5}|PGRST\d+)`", cells[0]):
            if statuses is not None or code not in rows:
                rows[code] = (statuses, exception)
    return rows


def test_the_table_matches_postgrest_and_the_client():
    table = documented()
    assert len(table) >= 15, "docs/errors.md's table was not read"
    problems = []
    for code, (statuses, exception) in table.items():
        if statuses is not None and not code.startswith("PGRST"):
            real = {postgrest_status(code, True), postgrest_status(code, False)}
            if statuses != real:
                problems.append(f"{code}: documented HTTP {statuses}, PostgREST answers {real}")
        got = type(errors.error_for(code, "m")).__name__
        if got != exception:
            problems.append(f"{code}: documented {exception}, the client raises {got}")
    assert problems == [], "\n".join(problems)


def test_every_code_the_functions_raise_is_documented_and_none_is_a_500_by_mistake(db):
    """Each errcode a function of ours raises is in docs/errors.md; "not found" reaches the
    app as 404 (P0002 was a 500 through PostgREST), and nothing raised for a caller's mistake
    is a 500."""
    raised: dict[str, set[str]] = {}
    for name, source in db.execute(
        "select p.oid::regprocedure::text, p.prosrc from pg_proc as p"
        " where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)"
    ).fetchall():
        for code in re.findall(r"errcode\s*=\s*'([0-9A-Z]{5})'", source):
            raised.setdefault(code, set()).add(name)
    assert "22004" in raised, "the scan found too little"
    table = documented()
    server_faults = {"55000"}  # the deployment is incomplete (KEK missing from Vault)
    problems = [f"{c} (raised by {sorted(f)}) is not in docs/errors.md" for c, f in
                raised.items() if c not in table]  # fmt: skip
    problems += [
        f"{c} (raised by {sorted(f)}) reaches the app as HTTP {postgrest_status(c, True)}"
        for c, f in raised.items()
        if postgrest_status(c, True) >= 500 and c not in server_faults
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("PT404", 404, errors.NotFound),
        ("PT400", 400, errors.InvalidInput),
        ("PT403", 403, errors.PermissionDenied),
        ("PT409", 409, errors.Conflict),
    ],
)
def test_http_status_codes_map_to_the_exception_of_that_status(code, status, cls):
    assert postgrest_status(code, True) == status
    assert type(errors.error_for(code, "m")) is cls


def test_a_missing_key_is_not_found_with_a_404_code(database):
    """Through the client: get_api_key without a stored key raises NotFound, code PT404."""
    service = Client.postgres(database, service_role=True)
    try:
        with pytest.raises(errors.NotFound) as caught:
            service.get_api_key("00000000-0000-4000-8000-00000000a404", "openai")
    finally:
        service.transport.close()
    assert caught.value.code == "PT404"
    assert postgrest_status(caught.value.code, True) == 404


def test_an_unknown_agent_is_not_found_with_a_404_code(database):
    with psycopg.connect(database, autocommit=True) as conn:
        uid = conn.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
            ["errors-404@example.test"],
        ).fetchone()[0]
    me = Client.postgres(database, user_id=uid)
    try:
        for call in (
            lambda: me.transport.rpc("get_agent_with_features", {"agent_id": uid}),
            lambda: me.transport.rpc("get_agent_usage_summary", {"agent_id": uid}),
            lambda: me.transport.rpc("update_agent_activity_score", {"agent_id": uid}),
        ):
            with pytest.raises(errors.NotFound) as caught:
                call()
            assert caught.value.code == "PT404"
    finally:
        me.transport.close()
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute("delete from auth.users where id = %s", [uid])
