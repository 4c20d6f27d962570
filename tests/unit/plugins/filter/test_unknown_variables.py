"""unknown_variables: a variable with a tier's prefix that no role reads, and the name meant (issue 17, point 3)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.unknown_variables import unknown_variables

KNOWN = ["database_instance_class", "database_multi_az", "service_desired_count", "service_cpu", "network_az_count"]
PREFIXES = ["database", "service", "network"]


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("database_instance_clas", "database_instance_class"),
        ("database_instanse_class", "database_instance_class"),
        ("service_desired_cout", "service_desired_count"),
        ("service_cpus", "service_cpu"),
        ("network_azcount", "network_az_count"),
    ],
)
def test_a_misspelled_option_is_found_with_the_name_meant(name: str, meant: str) -> None:
    (found,) = unknown_variables([name, "database_multi_az"], KNOWN, PREFIXES)
    assert found == {
        "name": name,
        "suggestion": meant,
        "message": f"{name} is no variable of the collection's roles: did you mean {meant}?",
    }


def test_a_name_far_from_every_option_gets_no_suggestion() -> None:
    (found,) = unknown_variables(["service_something_else_entirely"], KNOWN, PREFIXES)
    assert found["suggestion"] == "" and found["message"].endswith("roles")


def test_known_internal_foreign_and_unprefixed_names_pass() -> None:
    names = [
        *KNOWN,
        "service__family",  # a role's internal variable
        "network_team_email",  # the user's own, declared
        "ansible_python_interpreter",
        "my_company_setting",
        "servicedesk_url",  # not the prefix followed by _
    ]
    assert unknown_variables(names, KNOWN, PREFIXES, ["^network_team_"]) == []
    assert [f["name"] for f in unknown_variables(names, KNOWN, PREFIXES)] == ["network_team_email"]


def test_results_are_sorted_and_unique() -> None:
    found = unknown_variables(["service_cpuu", "database_mult_az", "service_cpuu"], KNOWN, PREFIXES)
    assert [f["name"] for f in found] == ["database_mult_az", "service_cpuu"]


@pytest.mark.parametrize(
    ("names", "known", "prefixes", "allowed", "message"),
    [
        ("service_cpu", KNOWN, PREFIXES, [], "the input must be a list"),
        (["x"], "service_cpu", PREFIXES, [], "known must be a list"),
        (["x"], KNOWN, "service", [], "prefixes must be a list"),
        (["x"], KNOWN, PREFIXES, ["("], "invalid regular expression"),
    ],
)
def test_bad_arguments_are_refused(names, known, prefixes, allowed, message) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        unknown_variables(names, known, prefixes, allowed)
