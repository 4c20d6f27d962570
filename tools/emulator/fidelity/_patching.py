"""Helpers shared by the fidelity patches (not a patch itself: ``apply_all`` skips ``_``-prefixed modules)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

MARK = "__kstore_fidelity__"

Replacement = Callable[..., Any]


def patch(owner: Any, name: str, tag: str, make: Callable[[Replacement | None], Replacement]) -> None:
    """Replace ``owner.name`` by ``make(original)`` once per ``tag``: applying twice keeps a single wrapper.

    ``original`` is ``None`` when ``owner`` has no such attribute (a missing API being added).
    """
    original = getattr(owner, name, None)
    if tag in getattr(original, MARK, ()):
        return
    replacement = make(original)
    if callable(original):
        functools.update_wrapper(replacement, original)
    setattr(replacement, MARK, (*getattr(original, MARK, ()), tag))
    setattr(owner, name, replacement)


def add_url_paths(urls_module: Any, paths: dict[str, Any]) -> None:
    """Route extra URL paths of a REST service to its dispatcher (before the server app is built)."""
    for path, handler in paths.items():
        urls_module.url_paths.setdefault(path, handler)
