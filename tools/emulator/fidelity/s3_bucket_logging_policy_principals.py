"""PutBucketLogging reads a target bucket policy whatever its statements' principals look like.

AWS behaviour restored: ``PutBucketLogging`` accepts a target bucket whose policy grants ``s3:PutObject`` to the
logging service principal ``logging.s3.amazonaws.com`` (AWS's recommended way, the only one under
``BucketOwnerEnforced``), whatever other statements the policy holds. moto 5.2.5 reads every statement's
``Principal`` as a dict: a statement with ``"Principal": "*"`` (e.g. the usual Deny of ``aws:SecureTransport``
false) makes it fail with an AttributeError (HTTP 500) before it reaches the logging grant.

Needed by: ``kstore.platform.s3_bucket_logging`` (server access logging of the media and backups buckets into the
logs bucket, whose policy starts with a ``"Principal": "*"`` Deny).
"""

from __future__ import annotations

import json
from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.s3.models import FakeBucket

    def make(original: Any) -> Any:
        # moto's original is a staticmethod called as self._log_permissions_enabled_policy(target_bucket=...,
        # target_prefix=...): the replacement is a plain function that ignores the bound bucket.
        def _log_permissions_enabled_policy(*_bound: Any, target_bucket: Any, target_prefix: str | None) -> bool:
            policy = target_bucket.policy
            if not policy:
                return False
            document = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
            statements = document.get("Statement") or []
            if isinstance(statements, dict):
                statements = [statements]
            usable = [s for s in statements if isinstance(s.get("Principal"), dict)]
            saved = target_bucket.policy
            try:
                target_bucket.policy = json.dumps({**document, "Statement": usable}).encode()
                return bool(original(target_bucket=target_bucket, target_prefix=target_prefix))
            finally:
                target_bucket.policy = saved

        return _log_permissions_enabled_policy

    patch(FakeBucket, "_log_permissions_enabled_policy", __name__, make)
