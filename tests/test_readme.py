"""The README's examples run as written (against a database of this test's own)."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text()
LOCAL_URL = "postgresql://postgres:PASSWORD@127.0.0.1:54322/postgres"


def test_the_python_example_runs(cluster, fresh_db, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README has a Python example"
    code = blocks[0]
    assert LOCAL_URL in code
    dbname = fresh_db.rsplit("dbname=", 1)[1]
    exec(compile(code.replace(LOCAL_URL, cluster.url(dbname)), "README.md", "exec"), {})  # noqa: S102
    assert capsys.readouterr().out.strip() == "Claude Sonnet 1 0.04250000"


def test_the_commands_it_names_exist():
    for script in re.findall(r"^(scripts/[a-z-]+)", README, flags=re.M):
        assert (ROOT / script).exists(), script
