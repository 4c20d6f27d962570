"""Bad input to the golden_image role fails before any AWS (or Docker) call, with a message naming the variable.

Each case runs a one-play playbook with the role through the local inventory against a private emulator
(tests/conftest.py, tests/integration/conftest.py) and reads the emulator's request counter: it must stay at zero.
A valid run is the control showing that the counter does see the role's calls.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PLAYBOOK = [
    {
        "name": "Golden image tier",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "roles": [{"role": "kstore.platform.golden_image"}],
    }
]

SHA = "0" * 64

CASES = {
    "version not a version": ({"golden_image_version": "latest"}, "golden_image_version", "got 'latest'"),
    "sha256 too short": ({"golden_image_release_sha256": "abc123"}, "golden_image_release_sha256", "64 hex"),
    "url and file": (
        {"golden_image_release_url": "https://example.com/prestashop.zip"},
        "Set exactly one of golden_image_release_url",
        "exactly one",
    ),
    "neither url nor file": ({"golden_image_release_file": ""}, "golden_image_release_file", "exactly one"),
    "missing release file": (
        {"golden_image_release_file": "/nonexistent/prestashop.zip"},
        "golden_image_release_file must be an existing archive",
        "/nonexistent/prestashop.zip",
    ),
    "admin dir admin": ({"golden_image_admin_dir": "admin"}, "golden_image_admin_dir", "got 'admin'"),
    "build arg overriding the role's": (
        {"golden_image_build_args": {"PS_VERSION": "1.7.8"}},
        "golden_image_build_args",
        "PS_VERSION",
    ),
    "missing CA bundle": (
        {"golden_image_ca_bundles": ["/nonexistent/global-bundle.pem"]},
        "golden_image_ca_bundles lists file(s) that do not exist",
        "/nonexistent/global-bundle.pem",
    ),
    "misspelled variable": ({"golden_image_pussh": False}, "Unknown variable(s) golden_image_pussh", ""),
    "unknown state": ({"golden_image_state": "built"}, "golden_image_state", "built"),
}


@pytest.fixture()
def release(tmp_path: Path) -> str:
    path = tmp_path / "prestashop.zip"
    path.write_bytes(b"not a release; validation only")
    return str(path)


@pytest.fixture()
def ca_bundles(tmp_path: Path) -> list[str]:
    """A CA bundle that exists (the local inventory's, the data plane's CA, may not exist yet)."""
    path = tmp_path / "ca.pem"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nvalidation only\n-----END CERTIFICATE-----\n")
    return [str(path)]


@pytest.mark.parametrize(("extra_vars", "variable", "detail"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(
    assert_rejected, run_playbook, release: str, ca_bundles: list[str], extra_vars: dict, variable: str, detail: str
) -> None:
    base = {
        "golden_image_version": "9.0.1",
        "golden_image_release_file": release,
        "golden_image_release_sha256": SHA,
        "golden_image_ca_bundles": ca_bundles,
    }
    result = run_playbook(PLAYBOOK, {**base, **extra_vars})
    assert_rejected(result, variable, detail)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook, release: str, ca_bundles: list[str]) -> None:
    """The control: the emulator is empty, so the role stops where it looks for the ECR repository, and says so."""
    extra = {
        "golden_image_version": "9.0.1",
        "golden_image_release_file": release,
        "golden_image_release_sha256": SHA,
        "golden_image_ca_bundles": ca_bundles,
    }
    result = run_playbook(PLAYBOOK, extra, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "run the registry tier first" in output, output
    counts = clean_emulator.requests()
    assert counts["by_action"].get("ecr:DescribeRepositories", 0) >= 1, counts
