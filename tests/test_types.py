"""The committed types are what Supabase's generator makes of the schema; the client's models
agree with them; the README's supabase-js example, typed with them, compiles."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

import agentsdb.database_types
from agentsdb import typegen
from agentsdb.cli import main
from conftest import ROOT

EXAMPLE = ROOT / "tests" / "typescript" / "example.ts"
DENO = Path(sys.executable).parent / "deno"


def dbname(dsn: str) -> str:
    return dsn.rsplit("dbname=", 1)[1]


def load(path: Path):
    """A generated types module from `path` (registered, so pydantic resolves its
    postponed annotations)."""
    name = f"generated_types_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_committed_types_are_what_the_schema_gives(cluster, fresh_db, monkeypatch, capsys):
    """`agentsdb types --check` on a database built as `agentsdb up` builds it: a migration
    that changes the API without regenerating the files fails here."""
    monkeypatch.setenv("DATABASE_URL", cluster.url(dbname(fresh_db)))
    code = main(["types", "--check"])
    out, err = capsys.readouterr()
    assert code == 0, err
    for path in typegen.OUTPUTS.values():
        assert f"{path} matches the schema" in out


def test_a_new_column_fails_the_check_and_the_model_comparison(
    cluster, fresh_db, monkeypatch, capsys, tmp_path
):
    """A throwaway database whose ai_agents has a column the committed files and the client's
    Agent model lack: the check names the command that regenerates, the comparison names the
    column and the model."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("alter table public.ai_agents add column mood text")
    url = cluster.url(dbname(fresh_db))
    monkeypatch.setenv("DATABASE_URL", url)

    code = main(["types", "--check", "--lang", "typescript"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.strip() == (
        "error: functions/_shared/database.types.ts is not what the schema gives: regenerate "
        "it with `agentsdb types` (on a database with every migration applied) and commit it"
    )

    generated = tmp_path / "database_types.py"
    generated.write_text(typegen.generate(ROOT, url, "python"))
    assert typegen.compare_models(load(generated)) == [
        "ai_agents.mood: in the schema, missing from models.Agent "
        "(add it, or list it in typegen.LEFT_OUT with why)"
    ]


def test_an_unreachable_database_is_one_line_naming_the_cause(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:1/postgres")
    assert main(["types", "--lang", "python"]) == 1
    out, err = capsys.readouterr()
    assert err == (
        "error: the type generator failed (python): Error: connect ECONNREFUSED 127.0.0.1:1\n"
    )
    assert out == ""


def test_the_client_models_agree_with_the_generated_python_types():
    """Every table and view a model represents: each column is in the model or left out on
    purpose, no field is unknown, types agree (Decimal where the generator says float),
    nullability agrees on tables."""
    assert typegen.compare_models(agentsdb.database_types) == []
    assert set(typegen.MODEL_RELATIONS.values()) >= {"agent_summary", "ai_agents"}


def test_the_comparison_sees_a_wrong_type_and_a_wrong_nullability(tmp_path):
    """A generated module that disagrees with models.Agent in two ways other than a missing
    column: both are reported."""
    text = Path(agentsdb.database_types.__file__).read_text()
    text = re.sub(
        r"(class PublicAiAgents\(BaseModel\):.*?)    name: str = ",
        r"\1    name: Optional[str] = ",
        text,
        count=1,
        flags=re.S,
    )
    text = re.sub(
        r"(class PublicAiAgents\(BaseModel\):.*?)    usage_count: int = ",
        r"\1    usage_count: str = ",
        text,
        count=1,
        flags=re.S,
    )
    path = tmp_path / "database_types.py"
    path.write_text(text)
    assert typegen.compare_models(load(path)) == [
        "models.Agent.name: not nullable in the model, nullable in the schema",
        "models.Agent.usage_count: <class 'int'> does not agree with the schema's <class 'str'>",
    ]


def test_the_rpc_result_models_agree_with_the_generated_typescript():
    """The Python generator has no functions: RPC result models are held against the result
    columns of the TypeScript file (committed, and checked fresh above)."""
    typescript = (ROOT / typegen.OUTPUTS["typescript"]).read_text()
    assert typegen.compare_function_models(typescript) == []
    grown = typescript.replace(
        "          active_days: number\n",
        "          active_days: number\n          median_cost: number\n",
        1,
    )
    assert grown != typescript
    assert typegen.compare_function_models(grown) == [
        "get_agent_usage_summary.median_cost: returned, missing from models.AgentUsageSummary"
    ]


def test_the_readme_example_is_the_checked_file():
    blocks = re.findall(r"```ts\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert EXAMPLE.read_text() in blocks


@pytest.mark.parametrize(
    "command",
    [["fmt", "--check"], ["lint"], ["check", "--frozen"]],
    ids=["fmt", "lint", "check"],
)
def test_the_typescript_example_compiles(command):
    """`deno check` against the committed database.types.ts (npm packages pinned by
    tests/typescript/deno.lock)."""
    proc = subprocess.run(
        [str(DENO), *command, EXAMPLE.name],
        cwd=EXAMPLE.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
