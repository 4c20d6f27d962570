# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""32 key bytes (as hex) in defuse/php-encryption's ASCII-safe key format (PrestaShop's new_cookie_key)."""

from __future__ import annotations

import hashlib
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: defuse_key
short_description: A key in defuse/php-encryption's ASCII-safe format, from 32 key bytes given as hex
version_added: 0.1.0
description:
  - PrestaShop's C(new_cookie_key) is a C(Defuse\Crypto\Key) saved with C(saveToAsciiSafeString()) - the hex of
    the version header C(DEF00000), the 32 key bytes and the SHA-256 of both (136 hex digits).
  - Jinja cannot hash raw bytes, hence this filter. The randomness comes from the input (for example
    C(ansible.builtin.password) with hex digits); the filter itself is deterministic.
options:
  _input:
    description: The key, 64 hex digits.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: A new PrestaShop new_cookie_key
  ansible.builtin.set_fact:
    new_cookie_key: >-
      {{ lookup('ansible.builtin.password', '/dev/null', chars=['hexdigits'], length=64) | lower
         | kstore.platform.defuse_key }}
  no_log: true
"""

RETURN = r"""
_value:
  description: The key in ASCII-safe format, C(def00000) followed by 128 lowercase hex digits.
  type: str
"""

HEADER = bytes.fromhex("def00000")
KEY_BYTES = 32


def defuse_key(key_hex: str) -> str:
    try:
        key = bytes.fromhex(str(key_hex))
    except ValueError:
        raise AnsibleFilterError("defuse_key: the input must be hex digits") from None
    if len(key) != KEY_BYTES:
        raise AnsibleFilterError(f"defuse_key: the input must be {KEY_BYTES} bytes ({2 * KEY_BYTES} hex digits)")
    return (HEADER + key + hashlib.sha256(HEADER + key).digest()).hex()


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"defuse_key": defuse_key}
