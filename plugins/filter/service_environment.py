# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shop container's plain environment (PS_*), derived from what the data tiers publish."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: service_environment
short_description: The golden image's PS_* environment for the shop's task definition
version_added: 0.1.0
description:
  - Combines O(_input) (the caller's extra variables, C(service_environment)) with the settings the role derives
    from the data tiers. The role's own names win over the caller's.
  - C(PS_DB_HOST), C(PS_DB_PORT), C(PS_DB_NAME), C(PS_DOMAIN), C(PS_TRUSTED_PROXIES) always.
  - C(PS_DB_SSL=1) and C(PS_DB_SSL_CA) (the CA bundle baked into the image) when O(database.tls_required) is true,
    that is when the database refuses unencrypted connections; the image then verifies the server's certificate.
  - C(PS_REDIS_HOST), C(PS_REDIS_PORT) when O(cache) is given, and C(PS_REDIS_TLS=1) when its
    C(transit_encryption) is true (the replication group only accepts TLS then).
options:
  _input:
    description: The caller's extra environment.
    type: dict
    required: true
  database:
    description: C(host), C(port), C(name), C(tls_required) (bool), C(ca_bundle) (path inside the image).
    type: dict
    required: true
  domain:
    description: The shop's domain.
    type: str
    required: true
  vpc_cidr:
    description: The VPC CIDR (trusted proxies).
    type: str
    required: true
  cache:
    description: C(host), C(port), C(transit_encryption) (bool); empty or null when the cache is off.
    type: dict
"""

EXAMPLES = r"""
- name: Environment of the shop container
  ansible.builtin.set_fact:
    env: >-
      {{ service_environment | kstore.platform.service_environment(
           {'host': db_host, 'port': 3306, 'name': 'prestashop', 'tls_required': true,
            'ca_bundle': '/etc/ssl/kstore/db-ca.pem'}, 'shop.example.com', '10.0.0.0/16',
           {'host': redis_host, 'port': 6379, 'transit_encryption': true}) }}
"""

RETURN = r"""
_value:
  description: Name to value (all strings).
  type: dict
"""

TRUE = {"1", "true", "yes", "on"}


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in TRUE


def service_environment(
    extra: Mapping[str, Any] | None,
    database: Mapping[str, Any],
    domain: str,
    vpc_cidr: str,
    cache: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    if not isinstance(database, Mapping) or not database.get("host"):
        raise AnsibleFilterError("service_environment: database must be a dict with at least 'host'")
    env = {str(k): str(v) for k, v in dict(extra or {}).items()}
    env.update(
        {
            "PS_DB_HOST": str(database["host"]),
            "PS_DB_PORT": str(database.get("port") or 3306),
            "PS_DB_NAME": str(database.get("name") or "prestashop"),
            "PS_DOMAIN": str(domain),
            "PS_TRUSTED_PROXIES": str(vpc_cidr),
        }
    )
    if _flag(database.get("tls_required", False)):
        if not database.get("ca_bundle"):
            raise AnsibleFilterError("service_environment: database.tls_required needs database.ca_bundle")
        env.update({"PS_DB_SSL": "1", "PS_DB_SSL_CA": str(database["ca_bundle"])})
    if cache:
        env.update({"PS_REDIS_HOST": str(cache.get("host", "")), "PS_REDIS_PORT": str(cache.get("port") or 6379)})
        if _flag(cache.get("transit_encryption", False)):
            env["PS_REDIS_TLS"] = "1"
    return env


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"service_environment": service_environment}
