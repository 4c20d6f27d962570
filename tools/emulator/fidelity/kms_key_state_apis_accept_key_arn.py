"""KMS ScheduleKeyDeletion, CancelKeyDeletion, EnableKey and DisableKey accept a key ARN.

AWS behaviour restored: the ``KeyId`` parameter of ``ScheduleKeyDeletion``, ``CancelKeyDeletion``, ``EnableKey``
and ``DisableKey`` takes a key ID or a key ARN (KMS API reference, "KeyId ... Specify the key ID or key ARN of
the KMS key"). moto 5.2.5 validates the ARN, then indexes its keys by the raw parameter and answers HTTP 500
(KeyError) for an ARN.

Needed by: ``amazon.aws.kms_key``, which passes the key ARN: ``state: absent`` (ScheduleKeyDeletion) and a
converge that revives a key pending deletion (CancelKeyDeletion, EnableKey) fail on plain moto.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch

METHODS = ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key")


def apply() -> None:
    from moto.kms.models import KmsBackend

    def make(original: Any) -> Any:
        def by_key_id(self: KmsBackend, key_id: str, *args: Any, **kwargs: Any) -> Any:
            return original(self, self.get_key_id(key_id), *args, **kwargs)

        return by_key_id

    for method in METHODS:
        patch(KmsBackend, method, __name__, make)
