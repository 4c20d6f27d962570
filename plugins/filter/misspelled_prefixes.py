# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Variable names whose prefix is one or two typing mistakes away from a tier's prefix (databse_..., netwrok_...)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.module_utils.edit_distance import distance

DOCUMENTATION = r"""
name: misspelled_prefixes
short_description: Variable names that look like a misspelled tier prefix
version_added: 0.1.0
description:
  - Each role rejects the unknown variables that start with its own prefix (C(database_instance_clas)), but a
    variable whose prefix itself is misspelled (C(databse_instance_class), C(netwrok_az_count)) is read by no role
    and would be ignored without a word. This filter finds them.
  - The leading words of a name (as many as the prefix has) are compared with each prefix; one edit away (a letter
    added, removed, replaced, or two neighbours swapped) is a misspelling, two edits for prefixes of six letters or
    more. A name that starts with one of the prefixes is never reported.
options:
  _input:
    description: Variable names, for example C(query('ansible.builtin.varnames', '.+')).
    type: list
    elements: str
    required: true
  prefixes:
    description: The prefixes, without the trailing C(_), for example C(database), C(golden_image).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse a variable no tier reads because its prefix is misspelled
  ansible.builtin.assert:
    that: __found | length == 0
    fail_msg: "Did you mean {{ __found | map(attribute='suggestion') | join(', ') }}?"
  vars:
    __found: >-
      {{ query('ansible.builtin.varnames', '.+') | kstore.platform.misspelled_prefixes(['database', 'network']) }}
"""

RETURN = r"""
_value:
  description:
    - One dict per suspicious name, sorted by name - C(name), C(prefix) (the prefix it probably meant) and
      C(suggestion) (the name with that prefix).
  type: list
  elements: dict
"""


def misspelled_prefixes(names: Any, prefixes: Any) -> list[dict[str, str]]:
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise AnsibleFilterError("misspelled_prefixes: the input must be a list of variable names")
    if isinstance(prefixes, str) or not isinstance(prefixes, (list, tuple)) or not prefixes:
        raise AnsibleFilterError("misspelled_prefixes: prefixes must be a non-empty list")
    known = [str(p).rstrip("_") for p in prefixes]
    found = []
    for name in sorted({str(n) for n in names}):
        if any(name.startswith(p + "_") for p in known):
            continue
        words = name.split("_")
        for prefix in known:
            size = prefix.count("_") + 1
            if len(words) <= size:
                continue
            head = "_".join(words[:size])
            limit = 1 if len(prefix) < 6 else 2
            if head != prefix and distance(head, prefix) <= limit:
                suggestion = "_".join([prefix, *words[size:]])
                found.append({"name": name, "prefix": prefix, "suggestion": suggestion})
                break
    return found


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"misspelled_prefixes": misspelled_prefixes}
