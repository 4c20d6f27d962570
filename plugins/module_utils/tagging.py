# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tag planning shared by the collection's modules, whatever API the service uses to write tags."""

from __future__ import annotations

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def plan_tags(
    current: dict[str, str], desired: dict[str, object] | None, purge_tags: bool
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """Work out a tag change before making it.

    ``desired=None`` (the task did not set ``tags``) leaves the tags alone. ``aws:`` tags are never purged.

    Returns ``(to_set, to_unset, after)``: the tags to write, the keys to delete, and the tags the resource
    carries afterwards, so that check mode and ``--diff`` can show the result without calling AWS.
    """
    if desired is None:
        return {}, [], dict(current)
    to_set, to_unset = compare_aws_tags(current, desired, purge_tags)
    to_set = {key: to_text(value) for key, value in to_set.items()}
    after = {key: value for key, value in current.items() if key not in to_unset}
    after.update(to_set)
    return to_set, list(to_unset), after
