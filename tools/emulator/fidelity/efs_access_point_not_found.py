"""EFS access point calls on a missing file system or access point fail with their NotFound errors.

AWS behaviour restored: ``CreateAccessPoint`` and ``DescribeAccessPoints`` with a ``FileSystemId`` that names no
file system fail with ``FileSystemNotFound`` (HTTP 404); ``DeleteAccessPoint`` with an ``AccessPointId`` that
names no access point fails with ``AccessPointNotFound`` (HTTP 404). moto 5.2.5 creates an access point on any
file system ID, lists none for an unknown one, and answers a deletion of an unknown access point with success.

Needed by: ``kstore.platform.efs_access_point``, which reports a missing file system (check mode on an empty
account, a wrong ID) and treats AccessPointNotFound on deletion as "already gone".
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.efs.exceptions import AccessPointNotFound, FileSystemNotFound
    from moto.efs.models import EFSBackend

    def _require_file_system(backend: EFSBackend, file_system_id: str | None) -> None:
        if file_system_id and file_system_id not in backend.file_systems_by_id:
            raise FileSystemNotFound(file_system_id)

    def make_create(original: Any) -> Any:
        def create_access_point(self: EFSBackend, *args: Any, **kwargs: Any) -> Any:
            _require_file_system(self, kwargs.get("file_system_id"))
            return original(self, *args, **kwargs)

        return create_access_point

    def make_describe(original: Any) -> Any:
        def describe_access_points(self: EFSBackend, access_point_id: str | None, file_system_id: str | None) -> Any:
            if not access_point_id:
                _require_file_system(self, file_system_id)
            return original(self, access_point_id, file_system_id)

        return describe_access_points

    def make_delete(original: Any) -> Any:
        def delete_access_point(self: EFSBackend, access_point_id: str) -> None:
            if access_point_id not in self.access_points:
                raise AccessPointNotFound(access_point_id)
            original(self, access_point_id)

        return delete_access_point

    patch(EFSBackend, "create_access_point", __name__, make_create)
    patch(EFSBackend, "describe_access_points", __name__, make_describe)
    patch(EFSBackend, "delete_access_point", __name__, make_delete)
