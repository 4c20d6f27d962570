"""misspelled_prefixes: a variable whose tier prefix is misspelled is read by no role (issue 17)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.misspelled_prefixes import misspelled_prefixes

PREFIXES = ["network", "database", "cache", "edge", "golden_image", "service", "platform"]


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("databse_instance_class", "database"),
        ("netwrok_az_count", "network"),
        ("databsae_multi_az", "database"),
        ("cahce_node_type", "cache"),
        ("egde_domain", "edge"),
        ("golden_imgae_version", "golden_image"),
        ("golden_imge_version", "golden_image"),
        ("servcie_desired_count", "service"),
        ("platfrom_name", "platform"),
    ],
)
def test_misspelled_prefixes_are_found(name: str, meant: str) -> None:
    (found,) = misspelled_prefixes([name, "database_instance_class"], PREFIXES)
    assert found == {"name": name, "prefix": meant, "suggestion": meant + name[name.index("_", len(meant) - 2) :]}


@pytest.mark.parametrize(
    "name",
    [
        "database_instance_clas",  # the role's own check refuses it (its prefix is right)
        "network",  # nothing after the prefix
        "ansible_python_interpreter",
        "inventory_hostname",
        "group_names",
        "playbook_dir",
        "role_path",
        "stores_x",
        "edit_mode",  # two edits from a short prefix
        "golden_image_version",
    ],
)
def test_right_or_unrelated_names_are_not(name: str) -> None:
    assert misspelled_prefixes([name], PREFIXES) == []


def test_bad_arguments() -> None:
    with pytest.raises(AnsibleFilterError):
        misspelled_prefixes("databse_x", PREFIXES)
    with pytest.raises(AnsibleFilterError):
        misspelled_prefixes(["databse_x"], [])
