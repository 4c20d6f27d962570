# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The text to hand a module that compares policies as text: the stored text when it says the same as the wanted one."""

from __future__ import annotations

import json
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

DOCUMENTATION = r"""
name: policy_text
short_description: Keep a stored policy's text when it already says what the wanted policy says
version_added: 0.1.0
description:
  - C(community.aws.secretsmanager_secret) compares its O(resource_policy) with the stored one as text, and Secrets
    Manager gives the policy back reformatted, so the same policy would be written again on every run.
  - This filter returns the stored text when it is the same policy as O(wanted) (compared as policies - key order,
    statement order and one-element lists do not count), otherwise O(wanted) as JSON. Handing the result to the
    module makes a second run unchanged.
options:
  _input:
    description: The stored policy's text (empty when there is none).
    type: str
    required: true
  wanted:
    description: The wanted policy, a dict.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The database secret's policy, unchanged when AWS already holds it
  ansible.builtin.debug:
    msg: "{{ stored_policy_text | kstore.platform.policy_text(wanted_policy) }}"
"""

RETURN = r"""
_value:
  description: JSON text of the policy.
  type: str
"""


def policy_text(stored: Any, wanted: Any) -> str:
    if not isinstance(wanted, dict):
        raise AnsibleFilterError(f"policy_text: the wanted policy must be a dict, got {type(wanted).__name__}")
    text = str(stored or "")
    try:
        current = json.loads(text) if text else None
    except ValueError:
        current = None
    if isinstance(current, dict) and not compare_policies(current, wanted, default_version=None):
        return text
    return json.dumps(wanted, sort_keys=True)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"policy_text": policy_text}
