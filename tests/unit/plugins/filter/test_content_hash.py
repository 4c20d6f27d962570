"""content_hash: the golden image's tag covers the build context files and the build args."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.content_hash import content_hash


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "bin").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM debian:bookworm-slim\n")
    (tmp_path / "bin" / "run").write_text("#!/bin/sh\n")
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "big.zip").write_bytes(b"zip")
    return tmp_path


def test_stable_and_hex(tree: Path) -> None:
    first = content_hash(str(tree), {"A": "1"})
    assert first == content_hash(str(tree), {"A": "1"})
    assert len(first) == 64 and int(first, 16) >= 0


def test_build_arg_order_does_not_matter(tree: Path) -> None:
    assert content_hash(str(tree), {"A": "1", "B": "2"}) == content_hash(str(tree), {"B": "2", "A": "1"})


@pytest.mark.parametrize(
    "change",
    [
        lambda t: (t / "Dockerfile").write_text("FROM debian:trixie-slim\n"),
        lambda t: (t / "bin" / "run").rename(t / "bin" / "start"),
        lambda t: os.chmod(t / "bin" / "run", 0o755),
        lambda t: (t / "new.conf").write_text(""),
        lambda t: (t / "bin" / "run").unlink(),
    ],
    ids=["content", "rename", "executable bit", "new file", "removed file"],
)
def test_any_file_change_changes_the_hash(tree: Path, change) -> None:
    before = content_hash(str(tree), {"A": "1"})
    change(tree)
    assert content_hash(str(tree), {"A": "1"}) != before


def test_build_args_change_the_hash(tree: Path) -> None:
    assert content_hash(str(tree), {"A": "1"}) != content_hash(str(tree), {"A": "2"})
    assert content_hash(str(tree)) != content_hash(str(tree), {})


def test_exclude(tree: Path) -> None:
    before = content_hash(str(tree), None, ["release/*"])
    (tree / "release" / "big.zip").write_bytes(b"other")
    assert content_hash(str(tree), None, ["release/*"]) == before
    assert content_hash(str(tree), None) != before


def test_symlink_contributes_its_target(tree: Path) -> None:
    (tree / "link").symlink_to("Dockerfile")
    before = content_hash(str(tree))
    (tree / "link").unlink()
    (tree / "link").symlink_to("bin/run")
    assert content_hash(str(tree)) != before


def test_errors(tree: Path) -> None:
    with pytest.raises(AnsibleFilterError, match="not a directory"):
        content_hash(str(tree / "Dockerfile"))
    with pytest.raises(AnsibleFilterError, match="exclude"):
        content_hash(str(tree), None, "release/*")
    with pytest.raises(AnsibleFilterError, match="JSON"):
        content_hash(str(tree), {"a": object()})
