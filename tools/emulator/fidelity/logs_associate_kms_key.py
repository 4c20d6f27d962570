"""CloudWatch Logs AssociateKmsKey and DisassociateKmsKey on an existing log group.

AWS behaviour restored: ``AssociateKmsKey(logGroupName, kmsKeyId)`` associates a KMS key (ARN) with an existing
log group, replacing any key it had, and ``DisassociateKmsKey(logGroupName)`` removes the association; both answer
an empty 200, and ``DescribeLogGroups`` then shows (or no longer shows) ``kmsKeyId`` on the group. The group may
also be named by ``resourceIdentifier``, its ARN (``arn:aws:logs:REGION:ACCOUNT:log-group:NAME``, with or without
a trailing ``:*``); giving both ``logGroupName`` and ``resourceIdentifier``, or neither, fails with
``InvalidParameterException``. A group that does not exist fails with ``ResourceNotFoundException`` ("The
specified log group does not exist."). moto 5.2.5 implements neither action (HTTP 500), so a group created
without a key could never be encrypted. Not modelled: the ``query-result`` resource identifier, and the KMS
checks AWS makes on the key (moto's CreateLogGroup does not make them either).

Needed by: ``kstore.platform.log_group_encryption`` (the observability tier encrypts the flow-log group and the
RDS export groups that exist before the platform key), and any boto3 caller of these actions.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._patching import patch

GROUP_ARN = re.compile(r"^arn:[a-z-]+:logs:[a-z0-9-]+:\d{12}:log-group:(?P<name>[^:]+)(:\*)?$")


def _log_group(response: Any) -> Any:
    """The log group the request names (by logGroupName or by its ARN in resourceIdentifier)."""
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

    name = response._get_param("logGroupName")
    identifier = response._get_param("resourceIdentifier")
    if bool(name) == bool(identifier):
        raise InvalidParameterException(msg="Specify either logGroupName or resourceIdentifier, but not both.")
    if identifier:
        match = GROUP_ARN.match(identifier)
        if not match:
            raise InvalidParameterException(
                msg=f"resourceIdentifier {identifier} is not the ARN of a log group (query-result is not modelled)."
            )
        name = match.group("name")
    group = response.logs_backend.groups.get(name)
    if group is None:
        raise ResourceNotFoundException()
    return group


def associate_kms_key(self: Any) -> str:
    group = _log_group(self)
    group.kms_key_id = self._get_param("kmsKeyId")
    return json.dumps({})


def disassociate_kms_key(self: Any) -> str:
    group = _log_group(self)
    group.kms_key_id = None
    return json.dumps({})


def apply() -> None:
    from moto.logs.responses import LogsResponse

    for method in (associate_kms_key, disassociate_kms_key):
        patch(LogsResponse, method.__name__, __name__, lambda _original, method=method: method)
