#!/usr/bin/env python3
"""The project's two commands, each doing its own set-up on a fresh machine.

    python3 run.py demo   # the SDK against the built-in SMSC emulator (no account needed)
    python3 run.py test   # ruff, mypy --strict and the whole test suite
    python3 run.py bench  # the benchmarks (benchmarks/README.md); options go to it

Each creates (or reuses) a virtual environment in ``.venv`` and installs the project into it
from ``pyproject.toml``, so nothing depends on packages installed globally. Extra arguments
after ``test`` go to pytest (e.g. ``python3 run.py test -k encode``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = {"demo": "server", "test": "test", "bench": "bench"}
LINTED = ("smsc_async", "tests", "benchmarks", "examples", "run.py")


def _venv_python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def _run(*args: str | Path) -> None:
    command = [str(a) for a in args]
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        print(f"run.py: {' '.join(command[:4])} … failed (exit {result.returncode})")
        sys.exit(result.returncode)


def _ensure_venv(extra: str) -> Path:
    """Create .venv and install the project with ``extra``, unless already up to date."""
    if sys.version_info < (3, 10):
        sys.exit("smsc_async needs Python 3.10 or newer")
    python = _venv_python()
    if not python.exists():
        print("run.py: creating .venv …", flush=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
        if made.returncode != 0 or not python.exists():
            # Debian/Ubuntu ship Python without ensurepip unless python3-venv is installed.
            _run(sys.executable, "-m", "pip", "install", "--quiet", "--user", "virtualenv")
            _run(sys.executable, "-m", "virtualenv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extra}-{digest}"
    if not stamp.exists():
        print(f"run.py: installing smsc_async[{extra}] into .venv …", flush=True)
        _run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(python, "-m", "pip", "install", "--quiet", "-e", f".[{extra}]")
        stamp.touch()
    return python


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in EXTRAS:
        sys.exit(__doc__)
    command, rest = argv[0], argv[1:]
    python = _ensure_venv(EXTRAS[command])
    if command == "demo":
        _run(python, "-m", "smsc_async.demo", *rest)
        return
    if command == "bench":
        _run(python, "-m", "benchmarks", *rest)
        return
    sources = [p for p in LINTED if (ROOT / p).exists()]
    _run(python, "-m", "ruff", "check", *sources)
    _run(python, "-m", "ruff", "format", "--check", *sources)
    _run(python, "-m", "mypy", "--strict", "smsc_async")
    _run(python, "-m", "pytest", *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
