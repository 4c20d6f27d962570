"""AWS Backup selections: CreateBackupSelection, GetBackupSelection, ListBackupSelections, DeleteBackupSelection.

AWS behaviour restored: a backup plan holds resource selections.
``CreateBackupSelection`` (``PUT /backup/plans/{backupPlanId}/selections/``) answers ``SelectionId``,
``BackupPlanId``, ``CreationDate``; ``GetBackupSelection`` answers the ``BackupSelection`` with ``ListOfTags``,
``NotResources`` and the four ``Conditions`` lists (``StringEquals``, ``StringNotEquals``, ``StringLike``,
``StringNotLike``) present even when empty; ``ListBackupSelections`` answers ``BackupSelectionsList`` entries
(``SelectionId``, ``SelectionName``, ``BackupPlanId``, ``CreationDate``, ``CreatorRequestId``, ``IamRoleArn``)
paged with ``maxResults``/``nextToken``; ``DeleteBackupSelection`` answers an empty 200. An unknown plan or
selection fails with ``ResourceNotFoundException``; a second selection of the same name in a plan with
``AlreadyExistsException``. moto 5.2.5 implements none of them (HTTP 500).

Needed by: ``amazon.aws.backup_selection`` (and ``backup_selection_info``).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ._patching import patch

PATH = re.compile(r"/backup/plans/(?P<plan>[^/]+)/selections/?(?P<selection>[^/]*)")
EMPTY_CONDITIONS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
DEFAULT_MAX_RESULTS = 1000


def _selections(response: Any) -> tuple[str, dict[str, dict[str, Any]], str]:
    """The plan id, that plan's selections (kept on the backend) and the selection id of the request path."""
    from moto.backup.exceptions import ResourceNotFoundException

    match = PATH.search(response.path)
    plan_id, selection_id = (match.group("plan"), match.group("selection")) if match else ("", "")
    backend = response.backup_backend
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise ResourceNotFoundException(msg=f"Failed reading Backup plan {plan_id}")
    store: dict[str, dict[str, dict[str, Any]]] = backend.__dict__.setdefault("kstore_backup_selections", {})
    return plan_id, store.setdefault(plan_id, {}), selection_id


def _selection(response: Any) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    from moto.backup.exceptions import ResourceNotFoundException

    _plan_id, selections, selection_id = _selections(response)
    if selection_id not in selections:
        raise ResourceNotFoundException(msg=f"Failed reading selection {selection_id}")
    return selections, selections[selection_id]


def create_backup_selection(self: Any) -> str:
    from moto.backup.exceptions import AlreadyExistsException
    from moto.core.utils import unix_time
    from moto.moto_api._internal import mock_random

    plan_id, selections, _selection_id = _selections(self)
    params = json.loads(self.body or "{}")
    document = dict(params["BackupSelection"])
    if any(s["BackupSelection"]["SelectionName"] == document["SelectionName"] for s in selections.values()):
        raise AlreadyExistsException(msg="Backup selection with the same name already exists")
    document.setdefault("ListOfTags", [])
    document.setdefault("NotResources", [])
    conditions = document.setdefault("Conditions", {})
    for key in EMPTY_CONDITIONS:
        conditions.setdefault(key, [])
    selection = {
        "BackupSelection": document,
        "SelectionId": str(mock_random.uuid4()),
        "BackupPlanId": plan_id,
        "CreationDate": unix_time(),
        "CreatorRequestId": params.get("CreatorRequestId"),
    }
    selections[selection["SelectionId"]] = selection
    return json.dumps({k: selection[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")})


def get_backup_selection(self: Any) -> str:
    _plan_id, selection = _selection(self)
    return json.dumps({k: v for k, v in copy.deepcopy(selection).items() if v is not None})


def list_backup_selections(self: Any) -> str:
    _plan_id, selections, _selection_id = _selections(self)
    start = int(self.querystring.get("nextToken", ["0"])[0] or 0)
    size = int(self.querystring.get("maxResults", [DEFAULT_MAX_RESULTS])[0])
    entries = []
    for selection in list(selections.values())[start : start + size]:
        entry = {
            "SelectionId": selection["SelectionId"],
            "SelectionName": selection["BackupSelection"]["SelectionName"],
            "BackupPlanId": selection["BackupPlanId"],
            "CreationDate": selection["CreationDate"],
            "CreatorRequestId": selection["CreatorRequestId"],
            "IamRoleArn": selection["BackupSelection"].get("IamRoleArn"),
        }
        entries.append({k: v for k, v in entry.items() if v is not None})
    body: dict[str, Any] = {"BackupSelectionsList": entries}
    if start + size < len(selections):
        body["NextToken"] = str(start + size)
    return json.dumps(body)


def delete_backup_selection(self: Any) -> str:
    selections, selection = _selection(self)
    del selections[selection["SelectionId"]]
    return "{}"


def apply() -> None:
    from moto.backup.responses import BackupResponse

    for method in (create_backup_selection, get_backup_selection, list_backup_selections, delete_backup_selection):
        patch(BackupResponse, method.__name__, __name__, lambda _original, method=method: method)
