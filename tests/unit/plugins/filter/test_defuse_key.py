"""defuse_key: PrestaShop's new_cookie_key format (defuse/php-encryption's Key::saveToAsciiSafeString)."""

from __future__ import annotations

import hashlib

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.defuse_key import defuse_key


def test_format_and_checksum() -> None:
    key = bytes(range(32))
    result = defuse_key(key.hex())
    assert len(result) == 136
    assert result.startswith("def00000" + key.hex())
    raw = bytes.fromhex(result)
    assert raw[-32:] == hashlib.sha256(raw[:-32]).digest()


@pytest.mark.parametrize("bad", ["zz" * 32, "ab" * 31, ""])
def test_rejects_what_is_not_32_hex_bytes(bad: str) -> None:
    with pytest.raises(AnsibleFilterError):
        defuse_key(bad)
