"""kstore.platform.ecr_login: the real module code against the real emulator over HTTP.

The emulator's GetAuthorizationToken answers every registry id, so the error paths (AccessDenied, a throttled
call, a malformed token) are produced with botocore's Stubber, which the tests say where they use it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import ecr_login
from botocore.stub import Stubber


@pytest.fixture()
def login(run_module: Callable[..., dict], clean_emulator: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, **args: Any) -> dict:
        return run_module(ecr_login.main, {"region": "eu-west-1", **args}, check_mode=check_mode)

    return run


def expected_password(emulator_url: str) -> str:
    """What the emulator's token for the default account decodes to (read with boto3, outside the module)."""
    ecr = boto3.client("ecr", region_name="eu-west-1", endpoint_url=emulator_url)
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    return base64.b64decode(token).decode().split(":", 1)[1]


def test_decodes_the_token(login: Callable[..., dict], clean_emulator: Any) -> None:
    result = login()
    assert result.get("failed") is not True, result
    assert clean_emulator.requests()["by_action"] == {"ecr:GetAuthorizationToken": 1}
    assert result["changed"] is False
    assert result["username"] == "AWS"
    assert result["password"] == expected_password(clean_emulator.url)
    assert result["registry_id"] == "123456789012"
    assert result["registry"] == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert result["registry_url"] == "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert datetime.fromisoformat(result["expires_at"])
    assert [r["registry"] for r in result["registries"]] == [result["registry"]]


def test_several_registry_ids(login: Callable[..., dict]) -> None:
    result = login(registry_ids=["123456789012", "210987654321"])
    assert [r["registry_id"] for r in result["registries"]] == ["123456789012", "210987654321"]
    assert result["registries"][1]["registry"] == "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    assert result["registry_id"] == "123456789012"


@pytest.mark.parametrize(
    ("url", "registry", "registry_url"),
    [
        ("http://127.0.0.1:5001", "127.0.0.1:5001", "http://127.0.0.1:5001"),
        ("http://127.0.0.1:5001/", "127.0.0.1:5001", "http://127.0.0.1:5001"),
        ("registry.example.com", "registry.example.com", "https://registry.example.com"),
    ],
)
def test_registry_url_overrides_the_host_but_still_calls_the_api(
    login: Callable[..., dict], clean_emulator: Any, url: str, registry: str, registry_url: str
) -> None:
    result = login(registry_url=url)
    assert clean_emulator.requests()["by_action"] == {"ecr:GetAuthorizationToken": 1}
    assert (result["registry"], result["registry_url"]) == (registry, registry_url)
    assert result["password"] == expected_password(clean_emulator.url)


def test_check_mode_calls_the_api_and_changes_nothing(login: Callable[..., dict], clean_emulator: Any) -> None:
    result = login(check_mode=True)
    assert result["changed"] is False
    assert result["password"] == expected_password(clean_emulator.url)


def test_password_only_in_its_own_keys(login: Callable[..., dict], clean_emulator: Any) -> None:
    """Not in the invocation (what -v prints of the arguments) nor in any other value of the result."""
    result = login(registry_url="http://127.0.0.1:5001")
    password = result["password"]
    rest = {key: value for key, value in result.items() if key not in ("password", "registries")}
    assert password not in json.dumps(rest)
    assert password not in json.dumps(result.get("invocation", {}))
    assert [set(r) for r in result["registries"]] == [
        {"registry", "registry_url", "registry_id", "username", "password", "expires_at"}
    ]


def test_bad_registry_url_fails_before_any_call(login: Callable[..., dict], clean_emulator: Any) -> None:
    result = login(registry_url="ftp://127.0.0.1:5001")
    assert result["failed"] is True
    assert "registry_url" in result["msg"]
    assert clean_emulator.requests()["total"] == 0


@pytest.fixture()
def stubbed_ecr(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """An ECR client whose answers the test scripts (the emulator cannot refuse a token or throttle)."""
    client = boto3.client("ecr", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9")
    stubber = Stubber(client)
    monkeypatch.setattr(
        ecr_login.AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: _retrying(client)
    )
    return stubber


def _retrying(client: Any) -> Any:
    """The module's retry wrapper around a stubbed client (what module.client() does for a real one)."""
    from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper

    return RetryingBotoClientWrapper(
        client,
        AWSRetry.jittered_backoff(retries=3, delay=0, max_delay=0, catch_extra_error_codes=["ThrottlingException"]),
    )


def test_access_denied_is_reported(run_module: Callable[..., dict], stubbed_ecr: Stubber) -> None:
    # Stubber: the emulator grants every caller a token.
    stubbed_ecr.add_client_error(
        "get_authorization_token",
        service_error_code="AccessDeniedException",
        service_message="User is not authorized to perform: ecr:GetAuthorizationToken",
        http_status_code=400,
    )
    with stubbed_ecr:
        result = run_module(ecr_login.main, {"region": "eu-west-1", "registry_ids": ["999999999999"]})
    assert result["failed"] is True
    assert "Failed to get an ECR authorization token" in result["msg"]
    assert result["error"]["code"] == "AccessDeniedException"


def test_throttling_is_retried(run_module: Callable[..., dict], stubbed_ecr: Stubber) -> None:
    # Stubber: the emulator never throttles.
    token = base64.b64encode(b"AWS:s3cr3t").decode()
    stubbed_ecr.add_client_error(
        "get_authorization_token", service_error_code="ThrottlingException", http_status_code=400
    )
    stubbed_ecr.add_response(
        "get_authorization_token",
        {
            "authorizationData": [
                {
                    "authorizationToken": token,
                    "expiresAt": datetime(2026, 11, 22, 7, tzinfo=UTC),
                    "proxyEndpoint": "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                }
            ]
        },
    )
    with stubbed_ecr:
        result = run_module(ecr_login.main, {"region": "eu-west-1"})
    assert result.get("failed") is not True, result
    assert (result["username"], result["password"]) == ("AWS", "s3cr3t")
    assert result["expires_at"] == "2026-11-22T07:00:00+00:00"
    stubbed_ecr.assert_no_pending_responses()


def test_malformed_token_fails_without_quoting_it(run_module: Callable[..., dict], stubbed_ecr: Stubber) -> None:
    # Stubber: the emulator's tokens are always well formed.
    token = base64.b64encode(b"no-separator-secret").decode()
    stubbed_ecr.add_response(
        "get_authorization_token",
        {
            "authorizationData": [
                {"authorizationToken": token, "proxyEndpoint": "https://x.dkr.ecr.eu-west-1.amazonaws.com"}
            ]
        },
    )
    with stubbed_ecr:
        result = run_module(ecr_login.main, {"region": "eu-west-1"})
    assert result["failed"] is True
    assert "user:password" in result["msg"]
    assert token not in json.dumps(result) and "no-separator-secret" not in json.dumps(result)


def test_decode_token_helper() -> None:
    assert ecr_login.decode_token(base64.b64encode(b"AWS:pa:ss").decode()) == ("AWS", "pa:ss")
    with pytest.raises(ValueError):
        ecr_login.decode_token("not base64!")
