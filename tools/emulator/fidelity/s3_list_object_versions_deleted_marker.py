"""ListObjectVersions continues after a KeyMarker / VersionIdMarker whose version was deleted meanwhile.

AWS behaviour restored: ``ListObjectVersions`` returns the versions that sort after (``KeyMarker``,
``VersionIdMarker``) whether or not that version still exists, so a client that deletes each page before asking for
the next one (``DeleteObjects`` with the page's versions, as ``amazon.aws.s3_bucket`` does with ``force: true``)
walks the whole bucket. moto 5.2.5 looks for the marker's exact version and, when it is gone, skips every version:
the second page comes back empty, and a bucket of more than 1000 versions (the logs bucket once server access
logging writes into it) cannot be emptied.

Here a marker whose version no longer exists is moved back to the last existing version that sorts before the
marker's key (or dropped when there is none). Versions of the marker's own key that remain are listed again: in the
delete-each-page flow they were deleted with the page; a client that does not delete may see them twice.

Needed by: ``amazon.aws.s3_bucket`` (``state: absent``, ``force: true``) in the storage role's removal
(``storage_empty_buckets``) of a logs bucket that holds server access logs.
"""

from __future__ import annotations

import itertools
from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.core.utils import unix_time_millis
    from moto.s3.models import S3Backend

    def make(original: Any) -> Any:
        def list_object_versions(
            self: S3Backend,
            bucket_name: str,
            delimiter: str | None = None,
            key_marker: str | None = None,
            max_keys: int | None = 1000,
            prefix: str = "",
            version_id_marker: str | None = None,
        ) -> Any:
            if key_marker and version_id_marker:
                bucket = self.get_bucket(bucket_name)
                versions = sorted(
                    itertools.chain(*(listed for _key, listed in bucket.keys.iterlists())),
                    key=lambda v: (v.name, -unix_time_millis(v.last_modified)),
                )
                if not any(v.name == key_marker and v.version_id == version_id_marker for v in versions):
                    before = [v for v in versions if v.name < key_marker]
                    key_marker = before[-1].name if before else None
                    version_id_marker = before[-1].version_id if before else None
            return original(
                self,
                bucket_name,
                delimiter=delimiter,
                key_marker=key_marker,
                max_keys=max_keys,
                prefix=prefix,
                version_id_marker=version_id_marker,
            )

        return list_object_versions

    patch(S3Backend, "list_object_versions", __name__, make)
