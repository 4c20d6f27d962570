# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a string is a KMS key ARN (the form every role's *_kms_key_arn takes)."""

from __future__ import annotations

import re
from typing import Any

DOCUMENTATION = r"""
name: kms_key_arn
short_description: Whether a value is a KMS key ARN
version_added: 0.1.0
description:
  - True for C(arn:<partition>:kms:<region>:<12-digit account>:key/<key id>), the key id a UUID or a multi-Region
    C(mrk-) id. False for an alias, an alias ARN, a bare key id, and anything malformed (a short account, a region
    that is not one, a key id that is not one).
options:
  _input:
    description: The value to test.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Refuse a malformed key ARN
  ansible.builtin.assert:
    that: database_kms_key_arn | length == 0 or database_kms_key_arn is kstore.platform.kms_key_arn
"""

RETURN = r"""
_value:
  description: Whether the value is a KMS key ARN.
  type: bool
"""

KEY_ARN = re.compile(
    r"^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:key/"
    r"(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$"
)


def kms_key_arn(value: Any) -> bool:
    return isinstance(value, str) and KEY_ARN.match(value) is not None


class TestModule:
    def tests(self) -> dict[str, Any]:
        return {"kms_key_arn": kms_key_arn}
