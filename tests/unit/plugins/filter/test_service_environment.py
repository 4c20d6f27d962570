"""service_environment: the shop's PS_* environment from what the database and cache tiers publish."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.service_environment import service_environment

DB = {"host": "db.internal", "port": 3306, "name": "prestashop", "ca_bundle": "/etc/ssl/kstore/db-ca.pem"}


def test_plain_database_without_cache() -> None:
    env = service_environment({"PS_LANGUAGE_DEFAULT": "fr"}, {**DB, "tls_required": False}, "shop.test", "10.0.0.0/16")
    assert env == {
        "PS_LANGUAGE_DEFAULT": "fr",
        "PS_DB_HOST": "db.internal",
        "PS_DB_PORT": "3306",
        "PS_DB_NAME": "prestashop",
        "PS_DOMAIN": "shop.test",
        "PS_TRUSTED_PROXIES": "10.0.0.0/16",
    }


@pytest.mark.parametrize("flag", [True, "true", "True", "1"])
def test_database_requiring_tls_gets_ps_db_ssl_and_the_ca(flag: object) -> None:
    env = service_environment({}, {**DB, "tls_required": flag}, "shop.test", "10.0.0.0/16")
    assert env["PS_DB_SSL"] == "1" and env["PS_DB_SSL_CA"] == "/etc/ssl/kstore/db-ca.pem"


def test_tls_required_without_a_bundle_is_an_error() -> None:
    with pytest.raises(AnsibleFilterError, match="ca_bundle"):
        service_environment({}, {"host": "db", "tls_required": True}, "shop.test", "10.0.0.0/16")


def test_cache_with_transit_encryption_gets_ps_redis_tls() -> None:
    cache = {"host": "redis.internal", "port": 6380, "transit_encryption": True}
    env = service_environment({}, DB, "shop.test", "10.0.0.0/16", cache)
    assert (env["PS_REDIS_HOST"], env["PS_REDIS_PORT"], env["PS_REDIS_TLS"]) == ("redis.internal", "6380", "1")
    assert "PS_DB_SSL" not in env


def test_cache_without_transit_encryption_or_off() -> None:
    env = service_environment({}, DB, "shop.test", "10.0.0.0/16", {"host": "r", "port": 6379})
    assert "PS_REDIS_TLS" not in env and env["PS_REDIS_HOST"] == "r"
    off = service_environment({}, DB, "shop.test", "10.0.0.0/16", None)
    assert not [name for name in off if name.startswith("PS_REDIS")]


def test_role_names_win_over_the_callers() -> None:
    env = service_environment({"PS_DB_HOST": "evil"}, DB, "shop.test", "10.0.0.0/16")
    assert env["PS_DB_HOST"] == "db.internal"
