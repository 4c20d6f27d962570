"""Bad input to the service role fails before any AWS call, with a message naming the variable.

Each case runs playbooks/service.yml through the local inventory against a private emulator (tests/conftest.py,
tests/integration/conftest.py) and reads the emulator's request counter: it must stay at zero. A valid run is the
control showing that the counter does see the role's calls.
"""

from __future__ import annotations

import pytest

DIGEST = "registry.example/shop@sha256:" + "ab" * 32

CASES = {
    "secret reader that is not an ARN": (
        {"service_image": DIGEST, "service_secret_reader_arns": ["role/deployer"]},
        "service_secret_reader_arns",
        "must be IAM principal ARNs",
    ),
    "mutable tag refused": (
        {"service_image": "registry.example/shop:9.0.1"},
        "service_image",
        "service_allow_mutable_tag",
    ),
    "no image": ({"service_image": ""}, "service_image must be <repository>@sha256:", ""),
    "short digest": ({"service_image": "registry.example/shop@sha256:abc"}, "service_image", "sha256:abc"),
    "min above max": (
        {"service_image": DIGEST, "service_min_capacity": 5, "service_max_capacity": 2},
        "service_min_capacity",
        "service_max_capacity (2)",
    ),
    "secret in plain environment": (
        {"service_image": DIGEST, "service_environment": {"PS_DB_PASSWORD_X": "hunter2"}},
        "service_environment",
        "put those in Secrets Manager",
    ),
    "overriding the role's own variable": (
        {"service_image": DIGEST, "service_environment": {"PS_DB_HOST": "elsewhere"}},
        "service_environment may not set the role's own variables",
        "PS_DB_HOST",
    ),
    "bad retention": (
        {"service_image": DIGEST, "service_log_retention_days": 10},
        "service_log_retention_days",
        "got 10",
    ),
    "health check more often than ECS allows": (
        {"service_image": DIGEST, "service_health_check_interval": 2},
        "service_health_check_interval",
        "got 2",
    ),
    "writable path not absolute": (
        {"service_image": DIGEST, "service_writable_paths": [{"path": "tmp/x", "size_mib": 8}]},
        "service_writable_paths",
        "tmp/x",
    ),
    "writable path tmpfs too big": (
        {"service_image": DIGEST, "service_writable_paths": [{"path": "/srv/x", "size_mib": 9000}]},
        "service_writable_paths",
        "9000",
    ),
    "writable path already the role's": (
        {"service_image": DIGEST, "service_writable_paths": [{"path": "/tmp", "size_mib": 8}]},
        "service_writable_paths",
        "/tmp",
    ),
    "bad admin e-mail": ({"service_image": DIGEST, "service_admin_email": "admin"}, "service_admin_email", "'admin'"),
    "misspelled variable": (
        {"service_image": DIGEST, "service_desired_cout": 3},
        "Unknown variable(s) service_desired_cout",
        "",
    ),
    "unknown state": ({"service_state": "gone"}, "service_state", "gone"),
}


@pytest.mark.parametrize(("extra_vars", "variable", "detail"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(
    assert_rejected, run_playbook, extra_vars: dict, variable: str, detail: str
) -> None:
    result = run_playbook("playbooks/service.yml", extra_vars)
    assert_rejected(result, variable, detail)


def test_mutable_tag_allowed_when_asked_reaches_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: with service_allow_mutable_tag a tag passes validation, and the role's first call (the platform
    key) reaches the counter; the empty emulator then stops it, saying which tiers to converge."""
    result = run_playbook(
        "playbooks/service.yml", {"service_image": "registry.example/shop:dev", "service_allow_mutable_tag": True}
    )
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "converge the network and security tiers first" in output, output
    assert clean_emulator.requests()["by_action"].get("kms:DescribeKey", 0) >= 1, clean_emulator.requests()
