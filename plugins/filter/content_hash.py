# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A sha256 over a directory tree (sorted paths, file modes and contents) and extra data, e.g. build args."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import stat
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: content_hash
short_description: A sha256 over a directory's files and some extra data (an image's build context + build args)
version_added: 0.1.0
description:
  - Walks O(_input) on the controller, sorts the relative paths, and hashes each path, whether it is executable,
    and the sha256 of its content (a symbolic link contributes its target), then the JSON of O(extra) with sorted
    keys. The same tree and the same extra data always give the same digest; any change of a file name, content,
    executable bit or extra value gives another.
  - Used by the golden_image role to tag an image C(<version>-<hash>), so that a rebuild with nothing changed is
    recognised and skipped.
options:
  _input:
    description: The directory to hash.
    type: path
    required: true
  extra:
    description: Extra data hashed after the files (JSON-serialisable), for example the build args.
    type: raw
  exclude:
    description: Shell patterns (C(fnmatch)) matched against the POSIX relative paths; matching files are skipped.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Tag of the image built from files/prestashop with these build args
  ansible.builtin.set_fact:
    image_hash: >-
      {{ (role_path ~ '/../../files/prestashop') | kstore.platform.content_hash(build_args, ['release/*']) }}
"""

RETURN = r"""
_value:
  description: The sha256, 64 lowercase hex digits.
  type: str
"""

CHUNK = 1 << 20


def _file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entries(root: str, exclude: list[str]) -> list[tuple[str, str]]:
    entries = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(directory, d))]:
            full = os.path.join(directory, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if any(fnmatch.fnmatchcase(rel, pattern) for pattern in exclude):
                continue
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                entries.append((rel, "link:" + os.readlink(full)))
            elif stat.S_ISREG(mode):
                kind = "x" if mode & stat.S_IXUSR else "f"
                entries.append((rel, f"{kind}:{_file_digest(full)}"))
    return sorted(entries)


def content_hash(path: str, extra: Any = None, exclude: list[str] | None = None) -> str:
    root = os.path.expanduser(str(path))
    if not os.path.isdir(root):
        raise AnsibleFilterError(f"content_hash: {path} is not a directory")
    if exclude is not None and not isinstance(exclude, (list, tuple)):
        raise AnsibleFilterError("content_hash: exclude must be a list of patterns")
    digest = hashlib.sha256()
    for rel, value in _entries(root, [str(p) for p in exclude or []]):
        digest.update(rel.encode("utf-8") + b"\0" + value.encode("utf-8") + b"\n")
    try:
        digest.update(b"\0extra\0" + json.dumps(extra, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"content_hash: extra is not JSON-serialisable: {exc}") from None
    return digest.hexdigest()


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"content_hash": content_hash}
