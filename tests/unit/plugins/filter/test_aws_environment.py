"""aws_environment: platform_aws_environment plus botocore's retry mode and attempts, configured once."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.aws_environment import aws_environment


@pytest.fixture(autouse=True)
def _no_controller_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)


def test_defaults_standard_mode_ten_attempts_and_keeps_the_rest() -> None:
    local = {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_ACCESS_KEY_ID": "testing"}
    assert aws_environment(local) == {**local, "AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "10"}
    assert aws_environment({}) == {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "10"}
    assert aws_environment(None) == {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "10"}


def test_the_platform_setting_wins_over_the_controller_which_wins_over_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "20")
    assert aws_environment({}) == {"AWS_RETRY_MODE": "adaptive", "AWS_MAX_ATTEMPTS": "20"}
    assert aws_environment({"AWS_MAX_ATTEMPTS": 12}) == {"AWS_RETRY_MODE": "adaptive", "AWS_MAX_ATTEMPTS": "12"}
    monkeypatch.delenv("AWS_RETRY_MODE")
    assert aws_environment({}, retry_mode="legacy")["AWS_RETRY_MODE"] == "legacy"


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"AWS_RETRY_MODE": "fast"}, "platform_aws_environment.AWS_RETRY_MODE is 'fast'"),
        ({"AWS_MAX_ATTEMPTS": "0"}, "platform_aws_environment.AWS_MAX_ATTEMPTS is '0'"),
        ({"AWS_MAX_ATTEMPTS": "ten"}, "platform_aws_environment.AWS_MAX_ATTEMPTS is 'ten'"),
        ({"AWS_MAX_ATTEMPTS": 51}, "1 to 50"),
    ],
)
def test_refuses_a_bad_setting_naming_it(environment: dict, named: str) -> None:
    with pytest.raises(AnsibleFilterError, match=named):
        aws_environment(environment)


def test_refuses_a_bad_controller_setting_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "-1")
    with pytest.raises(AnsibleFilterError, match="AWS_MAX_ATTEMPTS in the controller's environment is '-1'"):
        aws_environment({})


def test_refuses_what_is_not_a_dict() -> None:
    with pytest.raises(AnsibleFilterError, match="must be a dict"):
        aws_environment(["AWS_RETRY_MODE=standard"])  # type: ignore[arg-type]
