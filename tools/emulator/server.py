"""The local AWS emulator: moto's server with kstore's fidelity layer and a request counter.

Usage: python tools/emulator/server.py [--host 127.0.0.1] [--port 4566]

Before serving, every patch in ``tools/emulator/fidelity`` is applied (see that package's docstring).
Besides the AWS APIs it answers:

- ``GET  /_kstore/requests``        -> {"total": N, "by_action": {"ec2:DescribeVpcs": 3, ...}}
- ``POST /_kstore/requests/reset``  -> zeroes the counter
- ``GET  /_kstore/health``          -> {"status": "ok", "patches": [...]}
- ``GET  /_kstore/faults``          -> the fault injection settings and what was injected (tools/emulator/faults.py)
- ``POST /_kstore/faults``          -> new settings, JSON ``{"throttle": 0.25, "error": 0.05, "seed": 17}``; ``{}`` off
- ``GET  /_kstore/dataplane/state``, ``POST /_kstore/dataplane/report`` and ``/detach``: the local data plane's
  bridge (tools/emulator/dataplane_bridge.py)

Only AWS API calls are counted; moto's own ``/moto-api`` and ``/_kstore`` are not. Fault injection is off unless
``--faults`` or ``KSTORE_EMULATOR_FAULTS`` (``throttle=0.25,error=0.05,seed=17``) or ``POST /_kstore/faults`` sets
it; an injected fault is counted as a request (the client sent it) and never reaches moto.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import faults  # noqa: E402
from faults import Faults  # noqa: E402

# AWS-managed policies (AmazonSSMManagedInstanceCore, ...) must exist, as on AWS.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
# A DNS-validated ACM certificate is issued 5 s after the request (moto's default: 60 s); AWS takes minutes once
# the validation record resolves, and the emulator checks no DNS.
os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "5")


class RequestCounter:
    """WSGI middleware counting AWS API requests by service:action."""

    def __init__(self, app: Callable[..., Iterable[bytes]], patches: list[str], faults: Faults | None = None) -> None:
        self.app = app
        self.patches = patches
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.faults = faults or Faults()

    @staticmethod
    def _action(environ: dict[str, Any]) -> str:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            return target.rsplit(".", 1)[-1]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "Action" in query:
            return query["Action"][0]
        if environ.get("REQUEST_METHOD") == "POST" and "form" in environ.get("CONTENT_TYPE", ""):
            # Query-protocol services (EC2, IAM, RDS, ...) put Action in the form body: peek and restore.
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            import io

            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode("utf-8", "replace"))
            if "Action" in form:
                return form["Action"][0]
        return _rest_action(environ)

    @staticmethod
    def _service(environ: dict[str, Any]) -> str:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        # AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/ec2/aws4_request, ...
        if "Credential=" in auth:
            parts = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
            if len(parts) >= 4:
                return parts[3]
        return "unknown"

    def _json(self, start_response: Callable[..., Any], payload: dict[str, Any]) -> list[bytes]:
        body = json.dumps(payload, sort_keys=True).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def _dataplane(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str) -> list[bytes]:
        import dataplane_bridge

        if path == "/_kstore/dataplane/state":
            return self._json(start_response, dataplane_bridge.snapshot())
        if environ.get("REQUEST_METHOD") == "POST" and path == "/_kstore/dataplane/report":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            payload = json.loads(environ["wsgi.input"].read(length) or b"{}")
            return self._json(start_response, dataplane_bridge.report(payload))
        if environ.get("REQUEST_METHOD") == "POST" and path == "/_kstore/dataplane/detach":
            return self._json(start_response, dataplane_bridge.detach())
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such data plane endpoint"]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_kstore/"):
            if path == "/_kstore/requests/reset" and environ.get("REQUEST_METHOD") == "POST":
                with self.lock:
                    self.counts.clear()
                return self._json(start_response, {"total": 0, "by_action": {}})
            if path == "/_kstore/requests":
                with self.lock:
                    return self._json(
                        start_response, {"total": sum(self.counts.values()), "by_action": dict(self.counts)}
                    )
            if path == "/_kstore/health":
                return self._json(start_response, {"status": "ok", "patches": self.patches})
            if path == "/_kstore/faults":
                return self._faults(environ, start_response)
            if path.startswith("/_kstore/dataplane/"):
                return self._dataplane(environ, start_response, path)
        elif not path.startswith("/moto-api"):
            service, action = self._service(environ), self._action(environ)
            with self.lock:
                self.counts[f"{service}:{action}"] += 1
            kind = self.faults.decide(service, action)
            if kind:
                from_query = not environ.get("HTTP_X_AMZ_TARGET") and action != _rest_action(environ)
                return self.faults.answer(kind, faults.protocol(service, environ, from_query), environ, start_response)
        return self.app(environ, start_response)

    def _faults(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                settings = json.loads(environ["wsgi.input"].read(length) or b"{}")
                return self._json(start_response, self.faults.configure(settings))
            except (ValueError, TypeError) as exc:
                body = str(exc).encode()
                start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
                return [body]
        return self._json(start_response, self.faults.status())


def _rest_action(environ: dict[str, Any]) -> str:
    return f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO', '/')}"


def _look_up_access_keys_in_existing_iam_partitions() -> None:
    """Speed only, same answers: find the caller's account without creating IAM backends.

    moto looks the request's access key up in every IAM partition (aws, aws-cn, aws-us-gov, ...) of every
    account, creating each missing backend on the way; with AWS-managed policies loaded, that costs about a
    second on the first request after each ``/moto-api/reset``. A key can only be in a backend that exists.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam import models

    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(models.iam_backends.items()):
            for backend in list(dict.values(account)):
                if access_key in backend.access_keys:
                    return account_id
        return DEFAULT_ACCOUNT_ID

    models.get_account_id_from = get_account_id_from


def build_app(fault_settings: str = "") -> RequestCounter:
    import fidelity
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    _look_up_access_keys_in_existing_iam_partitions()
    patches = fidelity.apply_all()
    import dataplane_bridge

    dataplane_bridge.install()
    injector = Faults()
    if fault_settings:
        injector.configure(faults.parse_setting(fault_settings))
    return RequestCounter(DomainDispatcherApplication(create_backend_app), patches, injector)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("KSTORE_EMULATOR_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("KSTORE_EMULATOR_PORT", "4566")))
    parser.add_argument(
        "--faults",
        default=os.environ.get("KSTORE_EMULATOR_FAULTS", ""),
        help="fault injection, e.g. throttle=0.25,error=0.05,seed=17 (tools/emulator/faults.py)",
    )
    args = parser.parse_args(argv)
    if args.faults:
        Faults().configure(faults.parse_setting(args.faults))  # refuse a bad setting before serving
    os.environ["MOTO_PORT"] = str(args.port)

    from werkzeug.serving import run_simple

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(args.host, args.port, build_app(args.faults), threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
