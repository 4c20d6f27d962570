"""The checkout builds into an installable collection, and destroy.yml refuses to run unconfirmed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_collection_builds_and_installs(tmp_path: Path) -> None:
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
    installed = tmp_path / "installed/ansible_collections/kstore/platform"
    assert (installed / "roles/network/meta/argument_specs.yml").is_file()
    assert not (installed / ".collections").exists(), "the self-link must not ship"
    doc = subprocess.run(
        [BIN / "ansible-doc", "kstore.platform.ec2_vpc_flow_log"],
        env=dict(env, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "installed")),
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(installed) in doc.stdout


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
