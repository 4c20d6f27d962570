# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of a tier's tagged KMS keys is the platform key, which an interrupted run left behind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: kms_key_adoption
short_description: The platform key among a tier's tagged KMS keys, and the surplus keys an interrupted run left
version_added: 0.1.0
description:
  - Creating the platform key takes two calls, C(CreateKey) (with the tier's tags) then C(CreateAlias). A run
    killed between them leaves an enabled key with the tier's tags and no alias, which a lookup by alias never
    finds. This filter, given the tier's keys found by their tags (C(amazon.aws.kms_key_info)), says which key
    to manage and which keys are surplus.
  - The key to manage (C(key_id)) is the key that carries O(alias); when none does, the oldest key that has no
    alias at all (it is adopted, the role aliases it instead of creating another one); empty when there is neither
    (the role creates the key).
  - C(surplus) lists the ARNs of the other keys without any alias (a second interrupted run's), which the role
    schedules for deletion. Keys with another alias, AWS-managed keys and keys pending deletion are left alone.
options:
  _input:
    description: C(kms_keys) of C(amazon.aws.kms_key_info) (C(key_id), C(key_arn), C(aliases), C(key_state),
      C(creation_date), C(key_manager)).
    type: list
    elements: dict
    required: true
  alias:
    description: The platform key's alias, with or without the C(alias/) prefix.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Choose the platform key
  ansible.builtin.set_fact:
    choice: "{{ tagged_keys.kms_keys | kstore.platform.kms_key_adoption('alias/kstore-production') }}"
"""

RETURN = r"""
_value:
  description: C(key_id) (the key to manage, or empty), C(adopted) (true when it had no alias yet) and
    C(surplus) (ARNs of the other un-aliased keys).
  type: dict
"""

GONE = ("PendingDeletion", "PendingReplicaDeletion")


def _bare(alias: str) -> str:
    return alias[len("alias/") :] if alias.startswith("alias/") else alias


def kms_key_adoption(keys: Sequence[Mapping[str, Any]], alias: str) -> dict[str, Any]:
    if not isinstance(keys, Sequence) or isinstance(keys, str):
        raise AnsibleFilterError("kms_key_adoption: the input must be the kms_keys list of amazon.aws.kms_key_info")
    if not alias:
        raise AnsibleFilterError("kms_key_adoption: the alias is empty")
    wanted = _bare(str(alias))
    live = [k for k in keys if k.get("key_state") not in GONE and k.get("key_manager", "CUSTOMER") == "CUSTOMER"]
    aliased = [k for k in live if wanted in {_bare(str(a)) for a in k.get("aliases") or []}]
    orphans = sorted(
        (k for k in live if not k.get("aliases")), key=lambda k: (str(k.get("creation_date", "")), k["key_id"])
    )
    if aliased:
        return {"key_id": aliased[0]["key_id"], "adopted": False, "surplus": [k["key_arn"] for k in orphans]}
    if orphans:
        return {"key_id": orphans[0]["key_id"], "adopted": True, "surplus": [k["key_arn"] for k in orphans[1:]]}
    return {"key_id": "", "adopted": False, "surplus": []}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"kms_key_adoption": kms_key_adoption}
