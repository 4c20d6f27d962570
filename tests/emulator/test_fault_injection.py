"""tools/emulator/faults.py over HTTP: throttling and 5xx in each service's own protocol, as botocore parses them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def _faults(url: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    if settings is None:
        request = urllib.request.Request(f"{url}/_kstore/faults")
    else:
        request = urllib.request.Request(f"{url}/_kstore/faults", data=json.dumps(settings).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as resp:
        return json.load(resp)


@pytest.fixture()
def faults(clean_emulator: Any) -> Iterator[Callable[..., dict[str, Any]]]:
    """``faults(throttle=..., error=..., seed=...)`` sets the emulator's fault injection; off again after the test."""
    yield lambda **settings: _faults(clean_emulator.url, settings)
    _faults(clean_emulator.url, {})


def _client(url: str, service: str, mode: str = "standard", attempts: int = 2) -> Any:
    config = Config(retries={"mode": mode, "total_max_attempts": attempts}, connect_timeout=5, read_timeout=30)
    return boto3.client(service, region_name="eu-west-1", endpoint_url=url, config=config)


# service, protocol, call, throttling code + status, 5xx code + status
CASES = [
    ("ec2", "ec2", lambda c: c.describe_vpcs(), ("RequestLimitExceeded", 503), ("InternalError", 500)),
    ("iam", "query", lambda c: c.list_roles(), ("Throttling", 400), ("InternalFailure", 500)),
    ("kms", "json 1.1", lambda c: c.list_keys(), ("ThrottlingException", 400), ("InternalFailure", 500)),
    ("dynamodb", "json 1.0", lambda c: c.list_tables(), ("ThrottlingException", 400), ("InternalFailure", 500)),
    (
        "efs",
        "rest-json",
        lambda c: c.describe_file_systems(),
        ("ThrottlingException", 429),
        ("InternalServerException", 500),
    ),
    ("route53", "rest-xml", lambda c: c.list_hosted_zones(), ("Throttling", 400), ("InternalFailure", 500)),
    (
        "s3",
        "rest-xml (s3)",
        lambda c: c.put_object(Bucket="b", Key="k", Body=b"x" * 1024),
        ("SlowDown", 503),
        ("InternalError", 500),
    ),
]


@pytest.mark.parametrize("kind", ["throttle", "error"])
@pytest.mark.parametrize(("service", "proto", "call", "throttled", "failed"), CASES, ids=[c[1] for c in CASES])
def test_each_protocol_gets_its_own_error_and_botocore_retries_it(
    faults: Callable[..., dict[str, Any]],
    clean_emulator: Any,
    kind: str,
    service: str,
    proto: str,
    call: Callable[[Any], Any],
    throttled: tuple[str, int],
    failed: tuple[str, int],
) -> None:
    faults(**{kind: 1.0})
    client = _client(clean_emulator.url, service)
    with pytest.raises(ClientError) as raised:
        call(client)
    code, status = throttled if kind == "throttle" else failed
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status), proto
    # botocore's standard mode saw a retryable error: it tried again (2 attempts) before giving up
    assert error["ResponseMetadata"]["RetryAttempts"] == 1
    assert "reached max retries: 1" in str(raised.value)
    injected = _faults(clean_emulator.url)["injected"]
    assert injected[kind] == 2 and sum(injected["by_action"].values()) == 2


def test_s3_slowdown_is_a_throttling_error_for_botocore(
    faults: Callable[..., dict[str, Any]], clean_emulator: Any
) -> None:
    from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

    faults(throttle=1.0)
    with pytest.raises(ClientError) as raised:
        _client(clean_emulator.url, "s3", attempts=1).list_buckets()
    context = RetryContext(attempt_number=1, parsed_response=raised.value.response)
    assert ThrottledRetryableChecker().is_retryable(context)  # what adaptive mode slows down for


def test_same_seed_same_faults(faults: Callable[..., dict[str, Any]], clean_emulator: Any) -> None:
    sts = _client(clean_emulator.url, "sts", attempts=1)

    def outcomes() -> list[str]:
        seen = []
        for _attempt in range(40):
            try:
                sts.get_caller_identity()
                seen.append("ok")
            except ClientError as exc:
                seen.append(exc.response["Error"]["Code"])
        return seen

    faults(throttle=0.3, error=0.2, seed=7)
    first = outcomes()
    status = _faults(clean_emulator.url)
    faults(throttle=0.3, error=0.2, seed=7)
    assert outcomes() == first
    assert {"Throttling", "InternalFailure", "ok"} == set(first)
    assert status["requests"] == 40
    assert status["injected"]["throttle"] == first.count("Throttling")
    assert status["injected"]["error"] == first.count("InternalFailure")
    faults(throttle=0.3, error=0.2, seed=8)
    assert outcomes() != first


def test_standard_retries_converge_through_25_and_5_percent(
    faults: Callable[..., dict[str, Any]], clean_emulator: Any
) -> None:
    faults(throttle=0.25, error=0.05, seed=17)
    kms = _client(clean_emulator.url, "kms", attempts=10)
    keys = [kms.create_key(Description=f"key {i}")["KeyMetadata"]["KeyId"] for i in range(15)]
    listed = {k["KeyId"] for k in kms.list_keys()["Keys"]}
    assert set(keys) <= listed and len(listed) == 15
    assert _faults(clean_emulator.url)["injected"]["throttle"] > 0


def test_only_the_services_named(faults: Callable[..., dict[str, Any]], clean_emulator: Any) -> None:
    faults(throttle=1.0, services=["s3"])
    _client(clean_emulator.url, "sts", attempts=1).get_caller_identity()
    with pytest.raises(ClientError):
        _client(clean_emulator.url, "s3", attempts=1).list_buckets()


def test_refuses_bad_settings_and_is_off_by_default(clean_emulator: Any) -> None:
    assert _faults(clean_emulator.url)["throttle"] == 0
    with pytest.raises(urllib.error.HTTPError) as raised:
        _faults(clean_emulator.url, {"throttle": 0.8, "error": 0.5})
    assert raised.value.code == 400
    assert b"sum at most 1" in raised.value.read()


def _start(env_setting: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, KSTORE_EMULATOR_FAULTS=env_setting)
    server = Path(__file__).resolve().parents[2] / "tools/emulator/server.py"
    proc = subprocess.Popen(
        [sys.executable, str(server), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return proc, f"http://127.0.0.1:{port}"


def test_kstore_emulator_faults_at_start() -> None:
    proc, url = _start("throttle=0.25,error=0.05,seed=17,services=s3+kms")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status = _faults(url)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the emulator did not start"
                time.sleep(0.3)
        assert (status["throttle"], status["error"], status["seed"], status["services"]) == (
            0.25,
            0.05,
            17,
            ["kms", "s3"],
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_bad_setting_at_start_stops_the_emulator() -> None:
    proc, _url = _start("throttle=2")
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode != 0
    assert b"must be in 0..1" in stderr
