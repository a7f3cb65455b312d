"""Runs every pgTAP file with pg_prove, as `supabase test db` does, one test per file."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

PGTAP_DIR = ROOT / "supabase" / "tests" / "database"
FILES = sorted(PGTAP_DIR.rglob("*.sql"))


def test_pgtap_files_exist():
    assert len(FILES) >= 2, f"no pgTAP files under {PGTAP_DIR}"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(PGTAP_DIR)) for p in FILES])
def test_pgtap(path, database, cluster):
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove missing: apt-get install libtap-parser-sourcehandler-pgtap-perl"
    env = {
        **os.environ,
        "PGHOST": str(cluster.home),
        "PGPORT": str(cluster.port),
        "PGUSER": "postgres",
        "PGDATABASE": "postgres",
    }
    proc = subprocess.run(
        [pg_prove, "--verbose", str(path)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All tests successful" in proc.stdout, proc.stdout
