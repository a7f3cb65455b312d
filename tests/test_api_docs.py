"""docs/api.md is the reference generated from the database's own catalog, and fresh."""

from __future__ import annotations

import psycopg

from agentsdb import apidoc
from conftest import ROOT


def test_api_reference_is_fresh(cluster, template):
    with psycopg.connect(cluster.app_dsn(template)) as conn:
        rendered = apidoc.render(conn)
    assert (ROOT / "docs" / "api.md").read_text() == rendered, (
        "docs/api.md is stale: run `agentsdb up && agentsdb docs api --write`"
    )


def test_api_reference_covers_what_an_app_can_call(cluster, template):
    text = (ROOT / "docs" / "api.md").read_text()
    with psycopg.connect(cluster.app_dsn(template)) as conn:
        functions = conn.execute(
            "select distinct p.proname from pg_proc as p"
            " where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'"
            " and has_function_privilege('authenticated', p.oid, 'execute')"
        ).fetchall()
        relations = conn.execute(
            "select c.relname from pg_class as c"
            " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v')"
            " and has_table_privilege('authenticated', c.oid, 'select')"
        ).fetchall()
    assert functions and relations
    for (name,) in functions + relations:
        assert f"### `{name}`" in text, name
    assert "(no comment)" not in text.split("## Views")[0], "every RPC is commented"
