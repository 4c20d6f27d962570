# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How much of the public internet a set of CIDRs reaches, whatever way it is cut (0.0.0.0/1 + 128.0.0.0/1 is the
whole IPv4 internet as much as 0.0.0.0/0 is)."""

from __future__ import annotations

import ipaddress

# IPv4 space that is not the public internet (RFC 6890 special-purpose blocks that are not globally reachable).
NOT_PUBLIC_V4 = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
# IPv6's global unicast space (the rest is link-local, unique-local, multicast or unassigned).
PUBLIC_V6 = ipaddress.ip_network("2000::/3")
# More than this many public addresses is "the internet", not one organisation's network: a /8 of IPv4, a /32 of
# IPv6 (the smallest allocation a regional registry makes to an internet provider).
INTERNET_V4 = 2**24
INTERNET_V6 = 2**96


def _overlap(one: ipaddress._BaseNetwork, other: ipaddress._BaseNetwork) -> int:
    if one.version != other.version:
        return 0
    if one.subnet_of(other):
        return one.num_addresses
    if other.subnet_of(one):
        return other.num_addresses
    return 0


def public_reach(cidrs: list[str]) -> dict[str, int]:
    """The number of public IPv4 and IPv6 addresses the union of ``cidrs`` covers: ``{'ipv4': n, 'ipv6': m}``.

    Raises ValueError on a string that is not a CIDR."""
    networks = [ipaddress.ip_network(str(cidr).strip(), strict=False) for cidr in cidrs if str(cidr).strip()]
    v4 = list(ipaddress.collapse_addresses(n for n in networks if n.version == 4))
    v6 = list(ipaddress.collapse_addresses(n for n in networks if n.version == 6))
    ipv4 = sum(n.num_addresses - sum(_overlap(n, reserved) for reserved in NOT_PUBLIC_V4) for n in v4)
    ipv6 = sum(_overlap(n, PUBLIC_V6) for n in v6)
    return {"ipv4": ipv4, "ipv6": ipv6}


def reaches_internet(cidrs: list[str]) -> bool:
    """True when the union of ``cidrs`` covers more of the public internet than one organisation's network."""
    reach = public_reach(cidrs)
    return reach["ipv4"] > INTERNET_V4 or reach["ipv6"] > INTERNET_V6
