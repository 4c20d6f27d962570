# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VPC endpoint policy allows: one definition of "full access" for the network role and the audit."""

from __future__ import annotations

import json
from typing import Any


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_policy(document: Any) -> dict[str, Any] | None:
    """The policy as a dict (from a dict or JSON text); None when empty; ValueError when unreadable."""
    if document in (None, "", {}):
        return None
    if isinstance(document, str):
        document = json.loads(document)
    if not isinstance(document, dict):
        raise ValueError(f"a policy document must be a JSON object, got {type(document).__name__}")
    return document


def _anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any(p == "*" for p in _as_list(principal.get("AWS")))
    return False


def full_access_statements(document: Any) -> list[dict[str, Any]]:
    """The statements that allow every principal every action on every resource, without a condition: what AWS's
    default endpoint policy is. An absent policy is AWS's default, so it is one such statement."""
    policy = parse_policy(document)
    if policy is None:
        return [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    found = []
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        if "NotAction" in statement or "NotResource" in statement or "NotPrincipal" in statement:
            found.append(statement)  # an allow of everything but a few: as good as full access
            continue
        if (
            _anyone(statement.get("Principal"))
            and "*" in _as_list(statement.get("Action"))
            and "*" in _as_list(statement.get("Resource"))
        ):
            found.append(statement)
    return found


def is_full_access(document: Any) -> bool:
    return bool(full_access_statements(document))
