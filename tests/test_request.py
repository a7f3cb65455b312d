"""The PostgREST request imitation: role and claims are transaction-local, as behind the API."""

from __future__ import annotations

import psycopg
import pytest

from agentsdb.request import claims_for, request


def test_request_sets_role_and_claims_then_restores(db):
    uid = "00000000-0000-4000-8000-000000000001"
    with request(db, claims_for("authenticated", uid)):
        row = db.execute("select current_user, auth.uid()::text, auth.role()").fetchone()
        assert row == ("authenticated", uid, "authenticated")
    assert db.execute("select current_user, auth.uid()").fetchone() == ("postgres", None)


def test_anon_request_has_no_uid(db):
    with request(db, claims_for("anon")):
        assert db.execute("select current_user, auth.uid()").fetchone() == ("anon", None)


def test_a_failed_request_leaves_nothing_and_restores_the_role(db):
    with pytest.raises(psycopg.errors.DivisionByZero), request(db, claims_for("service_role")):
        db.execute("insert into public.vendors (id, name) values ('probe_vendor', 'Probe')")
        db.execute("select 1 / 0")
    assert db.execute("select current_user").fetchone()[0] == "postgres"
    assert (
        db.execute("select count(*) from public.vendors where id = 'probe_vendor'").fetchone()[0]
        == 0
    )


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="role must be one of"):
        claims_for("postgres")


def test_a_request_runs_under_supabase_timeouts(db):
    """As PostgREST on Supabase: every request inherits the authenticator login's
    statement_timeout (8 s) and lock_timeout (8 s), and the impersonated role's own
    settings override them (anon 3 s, authenticated 8 s); service_role has none of its own,
    so it is cut at 8 s too."""
    for role, timeout in (("anon", "3s"), ("authenticated", "8s"), ("service_role", "8s")):
        with request(db, claims_for(role)):
            got = db.execute(
                "select current_setting('statement_timeout'), current_setting('lock_timeout')"
            ).fetchone()
            assert got == (timeout, "8s"), role
    assert db.execute(
        "select current_setting('statement_timeout'), current_setting('lock_timeout')"
    ).fetchone() == ("0", "0")
