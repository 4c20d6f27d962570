"""Shared pytest fixtures: a real emulator (tools/emulator/server.py) over HTTP on a free loopback port."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]

# No test may ever reach real AWS: dummy credentials only.
for key, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
}.items():
    os.environ[key] = value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def requests(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_kstore/requests", timeout=5) as resp:
            return json.load(resp)

    def reset_requests(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/_kstore/requests/reset", method="POST"), timeout=5)

    def reset(self) -> None:
        """Forget every resource (moto's reset API) and the request counter."""
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/moto-api/reset", method="POST"), timeout=10)
        self.reset_requests()


@pytest.fixture(scope="session")
def emulator_at() -> type[Emulator]:
    """``Emulator(url)``: the request counter and reset of an emulator the tests did not start."""
    return Emulator


@contextlib.contextmanager
def running_emulator() -> Iterator[Emulator]:
    """A new emulator process on a free loopback port, stopped on exit."""
    port = _free_port()
    # The emulator logs every request to stderr: into a file, as a pipe nobody reads fills up (64 KiB, about
    # 900 requests) and then blocks the emulator for good.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tools/emulator/server.py"), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_kstore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"emulator exited: {log.read().decode(errors='replace')[-2000:]}") from None
                if time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError("emulator did not answer within 60 s") from None
                time.sleep(0.2)
        try:
            yield Emulator(url)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def start_emulator() -> Callable[[], contextlib.AbstractContextManager[Emulator]]:
    """``with start_emulator() as other:`` one more private emulator, for state no other test may reset (not
    exported as AWS_ENDPOINT_URL: pass ``other.url`` on)."""
    return running_emulator


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """A private emulator process for this test session; its URL is also exported as AWS_ENDPOINT_URL."""
    with running_emulator() as started:
        previous = os.environ.get("AWS_ENDPOINT_URL")
        os.environ["AWS_ENDPOINT_URL"] = started.url
        try:
            yield started
        finally:
            if previous is None:
                os.environ.pop("AWS_ENDPOINT_URL", None)
            else:
                os.environ["AWS_ENDPOINT_URL"] = previous


@pytest.fixture()
def clean_emulator(emulator: Emulator) -> Emulator:
    """The session emulator, emptied before the test."""
    emulator.reset()
    return emulator
