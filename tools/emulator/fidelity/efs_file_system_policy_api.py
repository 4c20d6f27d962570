"""EFS file-system policies: DeleteFileSystemPolicy exists, an unknown file system or a non-JSON policy is refused.

AWS behaviour restored: ``DeleteFileSystemPolicy`` (``DELETE /2015-02-01/file-systems/{id}/policy``) removes the
policy, and succeeds when there is none; ``PutFileSystemPolicy``, ``DescribeFileSystemPolicy`` and
``DeleteFileSystemPolicy`` on a ``FileSystemId`` that names no file system fail with ``FileSystemNotFound``
(HTTP 404); ``PutFileSystemPolicy`` with a policy that is not a JSON object fails with ``InvalidPolicyException``
(HTTP 400). moto 5.2.5 has no ``DeleteFileSystemPolicy`` (NotImplementedError, HTTP 500), answers the other two
on an unknown file system with a KeyError (HTTP 500) and stores any string as a policy.

Needed by: ``kstore.platform.efs_file_system_policy`` (removes the policy with ``state: absent``, reports a
missing file system in check mode on an empty account).
"""

from __future__ import annotations

import json
from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.efs.exceptions import FileSystemNotFound
    from moto.efs.models import EFSBackend
    from moto.efs.responses import EFSResponse

    def _require(backend: EFSBackend, file_system_id: str) -> Any:
        if file_system_id not in backend.file_systems_by_id:
            raise FileSystemNotFound(file_system_id)
        return backend.file_systems_by_id[file_system_id]

    def make_put(original: Any) -> Any:
        def put_file_system_policy(self: EFSBackend, file_system_id: str, policy: str, *args: Any, **kw: Any) -> Any:
            _require(self, file_system_id)
            try:
                parsed = json.loads(policy)
            except (TypeError, ValueError):
                parsed = None
            if not isinstance(parsed, dict):
                raise JsonRESTError("InvalidPolicyException", "Policy is not a valid JSON document.")
            return original(self, file_system_id, policy, *args, **kw)

        return put_file_system_policy

    def make_describe(original: Any) -> Any:
        def describe_file_system_policy(self: EFSBackend, file_system_id: str) -> Any:
            _require(self, file_system_id)
            return original(self, file_system_id)

        return describe_file_system_policy

    def make_backend_delete(original: Any) -> Any:
        def delete_file_system_policy(self: EFSBackend, file_system_id: str) -> None:
            _require(self, file_system_id).file_system_policy = None

        return delete_file_system_policy

    def make_response_delete(original: Any) -> Any:
        def delete_file_system_policy(self: EFSResponse) -> Any:
            self.efs_backend.delete_file_system_policy(file_system_id=self._get_param("FileSystemId"))
            return "{}", {"Content-Type": "application/json"}

        return delete_file_system_policy

    patch(EFSBackend, "put_file_system_policy", __name__, make_put)
    patch(EFSBackend, "describe_file_system_policy", __name__, make_describe)
    patch(EFSBackend, "delete_file_system_policy", __name__, make_backend_delete)
    patch(EFSResponse, "delete_file_system_policy", __name__, make_response_delete)
