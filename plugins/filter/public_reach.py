# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How much of the public internet a set of CIDRs reaches, however it is cut."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.module_utils.cidrs import public_reach as _public_reach
from ansible_collections.kstore.platform.plugins.module_utils.cidrs import reaches_internet

DOCUMENTATION = r"""
name: public_reach
short_description: The public IPv4 and IPv6 addresses a set of CIDRs covers, and whether that is the internet
version_added: 0.1.0
description:
  - Returns C(ipv4) and C(ipv6), the number of public addresses the union of the CIDRs covers (private, shared,
    loopback, link-local, documentation, multicast and reserved IPv4 blocks do not count; for IPv6 only global
    unicast C(2000::/3) counts), and C(internet), true when that is more than a C(/8) of public IPv4 or a C(/32)
    of IPv6 - more than one organisation's network. C(0.0.0.0/1) with C(128.0.0.0/1) reaches the internet as
    C(0.0.0.0/0) does.
options:
  _input:
    description: CIDRs, IPv4 or IPv6.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse a group open to the internet through several rules
  ansible.builtin.assert:
    that: not (['0.0.0.0/1', '128.0.0.0/1'] | kstore.platform.public_reach).internet
"""

RETURN = r"""
_value:
  description: C(ipv4) and C(ipv6), integers, and C(internet), a boolean.
  type: dict
"""


def _cidrs(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise AnsibleFilterError(f"public_reach: expected a list of CIDRs, got {type(value).__name__}")
    return [str(item) for item in value]


def public_reach(value: Any) -> dict[str, Any]:
    cidrs = _cidrs(value)
    try:
        return {**_public_reach(cidrs), "internet": reaches_internet(cidrs)}
    except ValueError as error:
        raise AnsibleFilterError(f"public_reach: {error}") from None


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"public_reach": public_reach}
