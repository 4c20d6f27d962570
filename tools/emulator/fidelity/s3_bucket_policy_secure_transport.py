"""Bucket policies: a statement conditioned on aws:SecureTransport is judged as for a TLS request.

AWS behaviour restored: S3 evaluates a bucket policy statement's ``Condition``; the usual
``Deny`` of ``"Bool": {"aws:SecureTransport": "false"}`` does not apply to requests over TLS, which every SDK call to
AWS is. moto 5.2.5 ignores conditions when it checks ``DeleteObjects`` against the bucket policy, so that ``Deny``
refuses every object deletion (``AccessDenied`` per key) and a bucket holding objects (the logs bucket once server
access logs are written) cannot be emptied. The emulator's plain-HTTP endpoint stands for AWS's HTTPS one: a
statement whose only condition is ``aws:SecureTransport`` is dropped when it asks for ``false`` and kept
unconditioned when it asks for ``true``; statements with other conditions are judged by moto as before.

Needed by: ``amazon.aws.s3_bucket`` (``state: absent``, ``force: true``) in the storage role's removal
(``storage_empty_buckets``): every platform bucket denies non-TLS requests.
"""

from __future__ import annotations

import json
from typing import Any

from ._patching import patch


def _as_tls_request(statement: dict[str, Any]) -> dict[str, Any] | None:
    """The statement as it applies to a TLS request; None when it does not apply."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict) or set(condition) - {"Bool", "BoolIfExists"}:
        return statement
    keys = {k.lower(): v for operator in condition.values() if isinstance(operator, dict) for k, v in operator.items()}
    if set(keys) != {"aws:securetransport"}:
        return statement
    wanted = keys["aws:securetransport"]
    wanted = wanted[0] if isinstance(wanted, list) and len(wanted) == 1 else wanted
    if str(wanted).lower() == "false":
        return None
    return {k: v for k, v in statement.items() if k != "Condition"}


def apply() -> None:
    from moto.s3.models import FakeBucket

    def make(original: Any) -> Any:
        def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
            if self.policy is None:
                return original(self, action, resource)
            document = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
            statements = document.get("Statement") or []
            if isinstance(statements, dict):
                statements = [statements]
            judged = [s for s in (_as_tls_request(s) for s in statements) if s is not None]
            saved = self.policy
            try:
                self.policy = json.dumps({**document, "Statement": judged}).encode()
                return original(self, action, resource)
            finally:
                self.policy = saved

        return get_permission

    patch(FakeBucket, "get_permission", __name__, make)
