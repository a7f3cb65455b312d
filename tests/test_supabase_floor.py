"""The lowest supabase-py that pyproject.toml allows really works: the transport's recording
tests run again in a virtual environment holding exactly that version (built once, kept in
pytest's cache, installed from the pip cache or PyPI)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

from conftest import ROOT


def floor() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (spec,) = [d for d in project["dependencies"] if re.match(r"supabase\b", d)]
    match = re.search(r">=\s*([0-9][0-9.]*)", spec)
    assert match, f"supabase has no lower bound in pyproject.toml: {spec}"
    return match.group(1)


def test_the_lowest_allowed_supabase_passes_the_recording_tests(request):
    version = floor()
    venv = request.config.cache.mkdir(f"supabase-floor-{version}")
    python = venv / "bin" / "python"
    ready = venv / "ready"
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = subprocess.run(
            [
                str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                f"supabase=={version}", "psycopg[binary]>=3.2,<4", "psycopg-pool>=3.2,<4",
                "python-dotenv>=1.0,<2", "pytest>=8,<10",
            ],
            capture_output=True,
            text=True,
        )  # fmt: skip
        assert pip.returncode == 0, pip.stdout + pip.stderr
        ready.write_text(version)
    installed = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('supabase'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert installed == version, f"pip installed supabase {installed}, not {version}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [
            str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/test_supabase_transport.py", "tests/test_client_inputs.py", "-k",
            "not postgres and not past_year",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
