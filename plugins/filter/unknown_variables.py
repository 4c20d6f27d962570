# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Variables that carry a role's prefix but are no option of that role, each with the closest valid name."""

from __future__ import annotations

import re
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.module_utils.edit_distance import distance

DOCUMENTATION = r"""
name: unknown_variables
short_description: Variables with a role's prefix that no role reads, and the name probably meant
version_added: 0.1.0
description:
  - The collection-wide unknown-variable check of C(playbooks/preflight.yml), before any AWS call. Each role also
    refuses unknown variables of its own prefix, but only when it runs (after the earlier tiers changed AWS), and
    without saying what was meant.
  - A name is unknown when it starts with one of O(prefixes) followed by C(_) (not C(__), the roles' internal
    variables), is not in O(known), and matches none of O(allowed) (regular expressions, the user's own variables).
  - The suggestion is the known name closest to it (fewest edits - a letter added, removed, replaced, two
    neighbours swapped), when it is at most a third of the name's length away; otherwise empty.
options:
  _input:
    description: Variable names, for example C(query('ansible.builtin.varnames', '.+')).
    type: list
    elements: str
    required: true
  known:
    description: Every valid variable name (the options of every role's argument specs).
    type: list
    elements: str
    required: true
  prefixes:
    description: The prefixes whose variables must all be known, without the trailing C(_).
    type: list
    elements: str
    required: true
  allowed:
    description: Regular expressions (searched from the start of the name) of variables that are the user's own.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Refuse a variable that no role reads
  ansible.builtin.assert:
    that: __unknown | length == 0
    fail_msg: "{{ __unknown | map(attribute='message') | join('; ') }}"
  vars:
    __unknown: >-
      {{ query('ansible.builtin.varnames', '.+')
         | kstore.platform.unknown_variables(['database_instance_class'], ['database']) }}
"""

RETURN = r"""
_value:
  description:
    - One dict per unknown name, sorted by name - C(name), C(suggestion) (empty when nothing is close) and
      C(message) (the sentence to show, with the suggestion).
  type: list
  elements: dict
"""


def _names(value: Any, option: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise AnsibleFilterError(f"unknown_variables: {option} must be a list of strings")
    return [str(v) for v in value]


def unknown_variables(names: Any, known: Any, prefixes: Any, allowed: Any = None) -> list[dict[str, str]]:
    names, known = _names(names, "the input"), set(_names(known, "known"))
    prefixes = [p.rstrip("_") for p in _names(prefixes, "prefixes")]
    try:
        patterns = [re.compile(p) for p in _names(allowed or [], "allowed")]
    except re.error as error:
        raise AnsibleFilterError(f"unknown_variables: allowed holds an invalid regular expression: {error}") from None
    found = []
    for name in sorted(set(names)):
        prefix = next((p for p in prefixes if name.startswith(p + "_")), None)
        if prefix is None or name.startswith(prefix + "__") or name in known:
            continue
        if any(pattern.match(name) for pattern in patterns):
            continue
        edits, closest = min(((distance(name, k), k) for k in known), default=(len(name), ""))
        suggestion = closest if edits <= max(1, len(name) // 3) else ""
        message = f"{name} is no variable of the collection's roles" + (
            f": did you mean {suggestion}?" if suggestion else ""
        )
        found.append({"name": name, "suggestion": suggestion, "message": message})
    return found


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"unknown_variables": unknown_variables}
