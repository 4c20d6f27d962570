"""public_reach: how much of the public internet a set of CIDRs covers, however it is cut (issue 16, point 11)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.public_reach import public_reach


@pytest.mark.parametrize(
    "cidrs",
    [
        ["0.0.0.0/0"],
        ["0.0.0.0/1", "128.0.0.0/1"],
        ["1.0.0.0/8", "2.0.0.0/8"],
        ["::/0"],
        ["2000::/4", "3000::/4"],
        ["2001:4000::/31"],
    ],
    ids=["v4 /0", "v4 two /1", "v4 two public /8", "v6 /0", "v6 global unicast in halves", "v6 a /31"],
)
def test_the_internet_however_it_is_cut(cidrs: list[str]) -> None:
    assert public_reach(cidrs)["internet"] is True


@pytest.mark.parametrize(
    "cidrs",
    [
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
        ["203.0.113.7/32", "198.51.100.0/24"],
        ["8.0.0.0/8"],
        ["fc00::/7", "fe80::/10"],
        ["2001:db8::/32"],
        [],
    ],
    ids=["private v4", "documentation and one host", "one public /8", "unique and link local v6", "v6 /32", "none"],
)
def test_not_the_internet(cidrs: list[str]) -> None:
    assert public_reach(cidrs)["internet"] is False


def test_counts_only_public_addresses_of_the_union() -> None:
    reach = public_reach(["10.0.0.0/7", "10.0.0.0/8", "203.0.113.0/24"])
    # 10.0.0.0/7 = 10/8 (private) + 11/8 (public); the documentation /24 and the repeated /8 count nothing more
    assert reach == {"ipv4": 2**24, "ipv6": 0, "internet": False}
    # the whole IPv4 space less the special-purpose blocks (multicast and 240/4 alone are 2**29 addresses)
    assert public_reach(["0.0.0.0/0"])["ipv4"] == 3_702_258_688


@pytest.mark.parametrize("bad", ["0.0.0.0/0", ["not-a-cidr"], ["10.0.0.0/33"]])
def test_bad_input_is_an_error(bad: object) -> None:
    with pytest.raises(AnsibleFilterError):
        public_reach(bad)
