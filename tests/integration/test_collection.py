"""The checkout builds into an installable collection whose playbooks run by name, and destroy.yml refuses to run
unconfirmed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _playbooks() -> list[str]:
    """Every playbook of the collection (a YAML list of plays) as its collection name, e.g. ``ops.patch``."""
    names = []
    for path in sorted((ROOT / "playbooks").rglob("*.yml")):
        content = yaml.safe_load(path.read_text())
        if (
            isinstance(content, list)
            and content
            and all("hosts" in p or any(k.endswith("import_playbook") for k in p) for p in content)
        ):
            names.append(".".join(path.relative_to(ROOT / "playbooks").with_suffix("").parts))
    return names


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The collection built from the checkout and installed into a folder of its own (no Galaxy), and an
    environment whose Ansible finds only that copy."""
    tmp_path = tmp_path_factory.mktemp("collection")
    cfg = tmp_path / "ansible.cfg"
    cfg.write_text("[defaults]\n")
    env = dict(os.environ, ANSIBLE_CONFIG=str(cfg))
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "build", "--output-path", tmp_path / "dist", ROOT],
        check=True,
        env=env,
        capture_output=True,
    )
    (tarball,) = (tmp_path / "dist").glob("kstore-platform-*.tar.gz")
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "install", "--no-deps", "-p", tmp_path / "installed", tarball],
        check=True,
        env=env,
        capture_output=True,
    )
    env["ANSIBLE_COLLECTIONS_PATH"] = str(tmp_path / "installed")
    return tmp_path / "installed/ansible_collections/kstore/platform", env


def test_collection_builds_and_installs(installed: tuple[Path, dict[str, str]]) -> None:
    installed, env = installed
    assert (installed / "roles/network/meta/argument_specs.yml").is_file()
    assert not (installed / ".collections").exists(), "the self-link must not ship"
    doc = subprocess.run(
        [BIN / "ansible-doc", "kstore.platform.ec2_vpc_flow_log"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(installed) in doc.stdout


def test_every_playbook_is_found() -> None:
    names = _playbooks()
    assert {"site", "audit", "destroy", "deploy", "ops.patch"} <= set(names), names
    assert not any(name.startswith("tasks.") for name in names), names  # task files are not playbooks


@pytest.mark.parametrize("name", _playbooks())
def test_playbook_runs_by_collection_name(installed: tuple[Path, dict[str, str]], tmp_path: Path, name: str) -> None:
    """``ansible-playbook kstore.platform.<name>`` from an installed copy (a folder of the same name next to a
    playbook used to shadow it: rc 4, "Is a directory")."""
    env = installed[1]
    result = subprocess.run(
        [BIN / "ansible-playbook", f"kstore.platform.{name}", "--syntax-check", "-i", "localhost,"],
        cwd=tmp_path,
        env=dict(env, ANSIBLE_NOCOLOR="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "playbook: " in result.stdout


def test_destroy_refuses_without_confirmation() -> None:
    result = subprocess.run(
        [BIN / "ansible-playbook", "playbooks/destroy.yml", "-i", "inventories/local"],
        cwd=ROOT,
        env=dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "confirm_destroy=kstore" in " ".join(result.stdout.split())
    assert "Network tier (absent)" not in result.stdout
