"""scripts/bootstrap waits for another package manager's lock instead of failing at once
(apt-get and dpkg-query are stand-ins on PATH that record how they were called)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import ROOT

FAKE_APT = """#!/bin/sh
echo "$*" >> "$APT_LOG"
case "$*" in
  *DPkg::Lock::Timeout=*) exit 0 ;;
esac
echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
exit 100
"""


def test_bootstrap_waits_for_the_dpkg_lock(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name, body in {
        "apt-get": FAKE_APT,
        "dpkg-query": "#!/bin/sh\necho 'deinstall ok config-files'\n",  # nothing installed
        "sudo": '#!/bin/sh\nexec "$@"\n',
    }.items():
        (bindir / name).write_text(body)
        (bindir / name).chmod(0o755)
    log = tmp_path / "apt.log"
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "APT_LOG": str(log)}
    proc = subprocess.run(
        [str(ROOT / "scripts" / "bootstrap")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    assert any("update" in c for c in calls) and any("install" in c for c in calls), calls
    assert all("DPkg::Lock::Timeout=" in c for c in calls), calls
    assert Path(ROOT / ".venv" / "bin" / "python").exists()
