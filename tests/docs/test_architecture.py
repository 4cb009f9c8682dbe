"""ARCHITECTURE.md stays a true map: it names every folder, and every file it names exists."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAP = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "smsc_async"


def test_every_folder_of_the_package_is_on_the_map() -> None:
    folders = {
        path.parent.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("__init__.py")
        if path.parent != PACKAGE
    }
    assert folders  # the walk found the layers
    missing = [f for f in sorted(folders) if f"{f.rsplit('/', 1)[-1]}/" not in MAP]
    assert missing == []


def test_every_file_the_map_names_exists() -> None:
    named = set(re.findall(r"`((?:tests|smsc_async|_\w+|testing)[\w/]*/[\w.]+\.(?:py|md))`", MAP))
    assert named  # the map does name files
    absent = [
        name
        for name in sorted(named)
        if not any((base / name).exists() for base in (ROOT, PACKAGE, ROOT / "tests"))
    ]
    assert absent == []


def test_every_layer_in_the_layout_test_is_on_the_map() -> None:
    spec = importlib.util.spec_from_file_location("layout", ROOT / "tests" / "test_layout.py")
    assert spec is not None and spec.loader is not None
    layout = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layout)
    assert [name for layer in layout.LAYERS for name in layer if f"`{name}`" not in MAP] == []
