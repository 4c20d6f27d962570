"""kstore's fidelity layer for moto: one small patch per AWS behaviour moto lacks.

Each module in this package patches exactly one behaviour, is named after it, documents the AWS behaviour it
restores (with the API and error names AWS documents), and exposes ``apply() -> None``. ``apply_all`` applies
them in name order and returns their names; the server reports them at ``/_kstore/health``. Modules whose name
starts with ``_`` are shared helpers, not patches.
Every patch has a test in ``tests/emulator`` that shows the behaviour over HTTP.
"""

from __future__ import annotations

import importlib
import pkgutil


def apply_all() -> list[str]:
    applied = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.apply()
        applied.append(info.name)
    return applied
