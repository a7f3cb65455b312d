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


def test_a_request_runs_under_its_role_statement_timeout(db):
    """As PostgREST applies the impersonated role's settings: anon 3 s, authenticated 8 s."""
    for role, timeout in (("anon", "3s"), ("authenticated", "8s")):
        with request(db, claims_for(role)):
            assert db.execute("show statement_timeout").fetchone()[0] == timeout
    with request(db, claims_for("service_role")):
        assert db.execute("show statement_timeout").fetchone()[0] == "0"
    assert db.execute("show statement_timeout").fetchone()[0] == "0"
