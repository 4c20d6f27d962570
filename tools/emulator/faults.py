"""Fault injection for the local emulator: answers a fraction of AWS requests with throttling or a 5xx error.

AWS throttles a busy account and answers some requests with 5xx; a client that follows AWS's guidance (botocore's
standard or adaptive retry mode, enough attempts) converges anyway. This module lets the emulator do the same, so
the platform's retries can be proved locally (tools/fault_converge.py, tests/integration/test_fault_converge.py).

Settings (``Faults.configure``; the server reads them from ``KSTORE_EMULATOR_FAULTS`` at start, or from
``POST /_kstore/faults`` with a JSON body at any time):

- ``throttle``: fraction of requests answered with the service's throttling error (0 to 1)
- ``error``: fraction answered with a 5xx error (0 to 1; ``throttle + error`` at most 1)
- ``seed``: the decision for the n-th request of one ``service:action`` is a hash of (seed, service:action, n),
  so one seed gives the same faults whatever the order of the threads
- ``services``: only these services (signing names: ``s3``, ``kms``, ``ec2``, ...); empty: every service

Each error is written in its service's own protocol, as botocore parses it:

=================  =========================================================  ======================================
protocol           throttling                                                 5xx
=================  =========================================================  ======================================
ec2                503 ``RequestLimitExceeded`` (``<Response><Errors>``)      500 ``InternalError``
query (IAM, RDS)   400 ``Throttling`` (``<ErrorResponse>``)                   500 ``InternalFailure``
json 1.0 / 1.1     400 ``ThrottlingException`` (``__type``)                   500 ``InternalFailure``
rest-json          429 ``ThrottlingException`` (``x-amzn-ErrorType``)         500 ``InternalServerException``
rest-xml (Route53) 400 ``Throttling`` (``<ErrorResponse>``)                   500 ``InternalFailure``
s3                 503 ``SlowDown`` (``<Error>``)                             500 ``InternalError``
=================  =========================================================  ======================================
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

REST_XML_SERVICES = frozenset({"route53", "cloudfront"})

# (protocol, kind) -> (HTTP status, error code, message)
ERRORS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("ec2", "throttle"): ("503 Service Unavailable", "RequestLimitExceeded", "Request limit exceeded."),
    ("ec2", "error"): ("500 Internal Server Error", "InternalError", "An internal error has occurred."),
    ("query", "throttle"): ("400 Bad Request", "Throttling", "Rate exceeded"),
    ("query", "error"): ("500 Internal Server Error", "InternalFailure", "An internal error has occurred."),
    ("json", "throttle"): ("400 Bad Request", "ThrottlingException", "Rate exceeded"),
    ("json", "error"): ("500 Internal Server Error", "InternalFailure", "An internal error has occurred."),
    ("rest-json", "throttle"): ("429 Too Many Requests", "ThrottlingException", "Rate exceeded"),
    ("rest-json", "error"): ("500 Internal Server Error", "InternalServerException", "An internal error occurred."),
    ("rest-xml", "throttle"): ("400 Bad Request", "Throttling", "Rate exceeded"),
    ("rest-xml", "error"): ("500 Internal Server Error", "InternalFailure", "An internal error has occurred."),
    ("s3", "throttle"): ("503 Slow Down", "SlowDown", "Please reduce your request rate."),
    ("s3", "error"): ("500 Internal Server Error", "InternalError", "We encountered an internal error."),
}


def parse_setting(text: str) -> dict[str, Any]:
    """``throttle=0.25,error=0.05,seed=17,services=s3+kms`` (the KSTORE_EMULATOR_FAULTS syntax) as a dict."""
    settings: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"KSTORE_EMULATOR_FAULTS: '{part}' is not name=value")
        settings[name.strip()] = [s for s in value.split("+") if s] if name.strip() == "services" else value.strip()
    return settings


def protocol(service: str, environ: dict[str, Any], action_in_query_or_form: bool) -> str:
    """The AWS protocol of a request, from its signing name and its shape."""
    if service == "s3":
        return "s3"
    if service == "ec2":
        return "ec2"
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if action_in_query_or_form:
        return "query"
    return "rest-xml" if service in REST_XML_SERVICES else "rest-json"


class Faults:
    """The fault settings, the decisions and their counts; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.throttle = 0.0
        self.error = 0.0
        self.seed = 0
        self.services: list[str] = []
        self.seen: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()

    def configure(self, settings: dict[str, Any]) -> dict[str, Any]:
        throttle = float(settings.get("throttle", 0))
        error = float(settings.get("error", 0))
        seed = int(settings.get("seed", 0))
        services = settings.get("services") or []
        if isinstance(services, str):
            services = [s for s in services.split(",") if s]
        if not (0 <= throttle <= 1 and 0 <= error <= 1 and throttle + error <= 1):
            raise ValueError(f"faults: throttle ({throttle}) and error ({error}) must be in 0..1, their sum at most 1")
        with self.lock:
            self.throttle, self.error, self.seed = throttle, error, seed
            self.services = sorted(str(s) for s in services)
            self.seen.clear()
            self.injected.clear()
        return self.status()

    def status(self) -> dict[str, Any]:
        with self.lock:
            return {
                "throttle": self.throttle,
                "error": self.error,
                "seed": self.seed,
                "services": list(self.services),
                "requests": sum(self.seen.values()),
                "injected": {
                    "throttle": sum(n for k, n in self.injected.items() if k.startswith("throttle ")),
                    "error": sum(n for k, n in self.injected.items() if k.startswith("error ")),
                    "by_action": dict(self.injected),
                },
            }

    def decide(self, service: str, action: str) -> str | None:
        """``"throttle"``, ``"error"`` or None for this request (counted)."""
        if not (self.throttle or self.error) or (self.services and service not in self.services):
            return None
        key = f"{service}:{action}"
        with self.lock:
            self.seen[key] += 1
            nth = self.seen[key]
            digest = hashlib.sha256(f"{self.seed}\0{key}\0{nth}".encode()).digest()
            draw = int.from_bytes(digest[:8], "big") / 2**64
            kind = "throttle" if draw < self.throttle else "error" if draw < self.throttle + self.error else None
            if kind:
                self.injected[f"{kind} {key}"] += 1
        return kind

    @staticmethod
    def answer(kind: str, proto: str, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The error response of ``kind`` in protocol ``proto``; the request body is read first (keep-alive)."""
        _drain(environ)
        status, code, message = ERRORS[(proto, kind)]
        request_id = str(uuid.uuid4())
        headers = [("x-amzn-RequestId", request_id)]
        if proto == "json":
            content_type = environ.get("CONTENT_TYPE") or "application/x-amz-json-1.1"
            body = json.dumps({"__type": code, "message": message}).encode()
            headers.append(("Content-Type", content_type))
        elif proto == "rest-json":
            body = json.dumps({"message": message}).encode()
            headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", f"{code}:")]
        elif proto == "ec2":
            body = (
                f"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>{code}</Code>"
                f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
            ).encode()
            headers.append(("Content-Type", "text/xml"))
        elif proto == "s3":
            body = (
                f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>"
            ).encode()
            headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
        else:  # query and rest-xml share the ErrorResponse document
            kind_of_fault = "Sender" if kind == "throttle" else "Receiver"
            body = (
                f"<ErrorResponse><Error><Type>{kind_of_fault}</Type><Code>{code}</Code><Message>{message}</Message>"
                f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
            headers.append(("Content-Type", "text/xml"))
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]


def _drain(environ: dict[str, Any]) -> None:
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        stream.read()
