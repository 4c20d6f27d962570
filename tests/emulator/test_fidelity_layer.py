"""The fidelity package itself: every patch documented, named, and idempotent to apply."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIDELITY = ROOT / "tools/emulator/fidelity"
PATCHES = sorted(p for p in FIDELITY.glob("*.py") if not p.stem.startswith("_"))

# Applies every patch, snapshots what moto now holds (class attributes of every loaded moto class, url maps,
# the EC2 prefix table), applies every patch again and reports any attribute that changed.
SNAPSHOT_TWICE = """
import inspect, sys
sys.path.insert(0, sys.argv[1])
import fidelity

def snapshot():
    state = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("moto.") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if inspect.isclass(value) and value.__module__ == name:
                for key, member in vars(value).items():
                    state[f"{name}.{attr}.{key}"] = member
        if name.endswith(".urls") and hasattr(module, "url_paths"):
            state[f"{name}.url_paths"] = dict(module.url_paths)
    from moto.ec2 import utils
    state["moto.ec2.utils.EC2_PREFIX_TO_RESOURCE"] = dict(utils.EC2_PREFIX_TO_RESOURCE)
    return state

first_names = fidelity.apply_all()
before = snapshot()
second_names = fidelity.apply_all()
after = snapshot()
assert first_names == second_names, (first_names, second_names)
changed = sorted(
    k for k in before.keys() | after.keys() if before.get(k) is not after.get(k) and before.get(k) != after.get(k)
)
print("\\n".join(changed))
sys.exit(1 if changed else 0)
"""


def test_applying_twice_changes_nothing() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SNAPSHOT_TWICE, str(ROOT / "tools/emulator")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"changed on second apply:\n{proc.stdout}\n{proc.stderr[-2000:]}"


@pytest.mark.parametrize("path", PATCHES, ids=[p.stem for p in PATCHES])
def test_patch_is_documented_and_tested(path: Path) -> None:
    tree = ast.parse(path.read_text())
    doc = ast.get_docstring(tree) or ""
    assert "AWS behaviour restored:" in doc, "docstring must say which AWS behaviour it restores"
    assert "Needed by:" in doc, "docstring must name the module that needs it"
    assert any(isinstance(node, ast.FunctionDef) and node.name == "apply" for node in tree.body)
    assert (ROOT / "tests/emulator" / f"test_{path.stem}.py").is_file()
