"""Fixtures for the unit tests of the collection's plugins: import them as kstore.platform, run a module in-process."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from ansible.module_utils.testing import patch_module_args

ROOT = Path(__file__).resolve().parents[2]

# `ansible_collections.kstore.platform` is this checkout: through the .collections link (see ansible.cfg), or the
# directory the checkout sits in when it already is ansible_collections/kstore/platform (ansible-test's layout).
_COLLECTIONS_DIR = ROOT.parents[2] if ROOT.parents[1].name == "ansible_collections" else ROOT / ".collections"
if str(_COLLECTIONS_DIR) not in sys.path:
    sys.path.insert(0, str(_COLLECTIONS_DIR))

# Imported now, at collection time, like the modules under test: a test that runs Ansible's collection loader later
# re-imports ansible_collections.*, and a class imported then would not be the one the modules use.
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

ModuleRunner = Callable[..., dict[str, Any]]


def _run_module(main: Callable[[], None], args: dict[str, Any], check_mode: bool = False, diff: bool = False) -> dict:
    """Run a module's ``main()`` as Ansible would, and return its JSON result (``failed: true`` on failure)."""
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    stdout = io.StringIO()
    with patch_module_args(module_args), redirect_stdout(stdout), pytest.raises(SystemExit):
        main()
    return json.loads(stdout.getvalue())


@pytest.fixture()
def run_module() -> ModuleRunner:
    return _run_module


ErrorInjector = Callable[[str, str, Callable[..., "str | None"]], None]


@pytest.fixture()
def inject_aws_errors(monkeypatch: pytest.MonkeyPatch) -> ErrorInjector:
    """``inject(service, operation, handler)``: every client the module under test creates calls ``handler`` before
    ``operation`` (botocore's before-call event, keyword arguments such as ``params``); the handler returns an AWS
    error code to answer the call with that error (HTTP 400), or None to let it reach the emulator. For states the
    emulator cannot produce (throttling, resources in transition): the module's real code and real calls run."""
    handlers: list[tuple[str, Callable[..., Any]]] = []
    original_client = AnsibleAWSModule.client

    def answer(handler: Callable[..., str | None]) -> Callable[..., Any]:
        def before_call(**kwargs: Any) -> Any:
            code = handler(**kwargs)
            if code is None:
                return None
            parsed = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": 400}}
            return AWSResponse(None, 400, {}, None), parsed

        return before_call

    def client(self: Any, service: str, retry_decorator: Any = None, **kwargs: Any) -> Any:
        wrapped = original_client(self, service, retry_decorator=retry_decorator, **kwargs)
        for event, handler in handlers:
            getattr(wrapped, "client", wrapped).meta.events.register(event, handler)
        return wrapped

    def inject(service: str, operation: str, handler: Callable[..., str | None]) -> None:
        handlers.append((f"before-call.{service}.{operation}", answer(handler)))
        monkeypatch.setattr(AnsibleAWSModule, "client", client)

    return inject
