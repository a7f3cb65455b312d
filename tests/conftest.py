"""Fixtures: one throwaway PostgreSQL cluster per test session, built from the migrations.

The `postgres` database is built exactly as `agentsdb up` builds it (platform, migrations,
seed) plus pgTAP; each `db` test runs in a transaction that is rolled back. Tests that need
a database of their own clone `agentsdb_template`, built the same way.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from agentsdb.cli import Target
from agentsdb.config import Settings
from agentsdb.local import LocalCluster, free_port

ROOT = Path(__file__).resolve().parents[1]


def settings_for(cluster: LocalCluster, database_url: str | None = None) -> Settings:
    return Settings(
        project_dir=ROOT, state_dir=cluster.home, port=cluster.port, database_url=database_url
    )


def build(cluster: LocalCluster, dbname: str) -> None:
    """Platform, migrations and seed into `dbname`, as `agentsdb up` does."""
    Target(settings_for(cluster), dbname).build(io.StringIO())


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    home = Path(tempfile.mkdtemp(prefix="agentsdb-test-"))
    local = LocalCluster(home, free_port())
    local.init()
    local.start()
    try:
        yield local
    finally:
        local.destroy()


def create_database(cluster: LocalCluster, name: str, template: str | None = None) -> str:
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        clause = f' template "{template}"' if template else ""
        conn.execute(f'create database "{name}"{clause}')
    return name


@pytest.fixture(scope="session")
def database(cluster: LocalCluster) -> str:
    """DSN (as `postgres`) of the session's main database, built once; pgTAP is created as
    `supabase test db` creates it: by the migration role, after the migrations, in extensions
    (the local platform lets `postgres` do it, as supautils does on Supabase)."""
    build(cluster, "postgres")
    with psycopg.connect(cluster.app_dsn(), autocommit=True) as conn:
        conn.execute("create extension if not exists pgtap with schema extensions")
    return cluster.app_dsn()


@pytest.fixture(scope="session")
def template(cluster: LocalCluster) -> str:
    """Name of a template database built from the migrations, for tests that need their own."""
    create_database(cluster, "agentsdb_template")
    build(cluster, "agentsdb_template")
    return "agentsdb_template"


@pytest.fixture
def fresh_db(cluster: LocalCluster, template: str, request) -> Iterator[str]:
    """DSN of a database cloned from the template for this test alone."""
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)
    create_database(cluster, name, template)
    yield cluster.app_dsn(name)
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def db(database: str) -> Iterator[psycopg.Connection]:
    """A connection as `postgres` inside a transaction that is rolled back after the test."""
    conn = psycopg.connect(database)
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()
