"""CloudTrail DeleteTrail accepts the trail's ARN as well as its name.

AWS behaviour restored: ``DeleteTrail``'s ``Name`` is "the name or the CloudTrail ARN of the trail to be deleted"
(arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME); a trail that does not exist fails with ``TrailNotFoundException``.
moto 5.2.5 looks ``Name`` up as a name only, so an ARN deletes nothing and the call still succeeds.

Needed by: ``amazon.aws.cloudtrail`` with ``state: absent``, which deletes the trail by its ARN; on plain moto the
trail stays and the module reports it deleted.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.cloudtrail.exceptions import TrailNotFoundException
    from moto.cloudtrail.models import CloudTrailBackend

    def make(original: Any) -> Any:
        def delete_trail(self: CloudTrailBackend, name: str) -> None:
            if name.startswith("arn:") and ":trail/" in name:
                name = name.split(":trail/", 1)[1]
            if name not in self.trails:
                raise TrailNotFoundException(account_id=self.account_id, name=name)
            original(self, name)

        return delete_trail

    patch(CloudTrailBackend, "delete_trail", __name__, make)
