"""Bad input to the cluster role fails before any AWS call, with a message naming the variable.

Each case runs playbooks/cluster.yml through the local inventory against a private emulator (tests/conftest.py,
tests/integration/conftest.py) and reads the emulator's request counter: it must stay at zero. A valid run is the
control showing that the counter does see the role's calls.
"""

from __future__ import annotations

import pytest

PLAYBOOK = "playbooks/cluster.yml"

CASES = {
    "malformed key ARN": (
        {"cluster_kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/not-a-key-id"},
        "cluster_kms_key_arn must be empty or a key ARN",
        "key/not-a-key-id",
    ),
    "refresh keeping more than the whole group": (
        {"cluster_instance_refresh_min_healthy_percentage": 150},
        "cluster_instance_refresh_min_healthy_percentage must be 0-100",
        "got 150",
    ),
    "misspelled variable": ({"cluster_instance_typ": "t3.small"}, "Unknown variable(s) cluster_instance_typ", ""),
    "desired above max": (
        {"cluster_desired_capacity": 9, "cluster_max_size": 8},
        "cluster_min_size <= cluster_desired_capacity <= cluster_max_size",
        "cluster_desired_capacity=9",
    ),
    "target capacity 0": ({"cluster_target_capacity": 0}, "cluster_target_capacity must be 1-100", "got 0"),
    "step sizes crossed": (
        {"cluster_minimum_scaling_step_size": 5, "cluster_maximum_scaling_step_size": 2},
        "cluster_minimum_scaling_step_size <= cluster_maximum_scaling_step_size",
        "got 5 and 2",
    ),
    "root volume too small": ({"cluster_root_volume_size": 8}, "cluster_root_volume_size must be 30-16384", "got 8"),
    "AMI not an AMI ID": ({"cluster_ami_id": "al2023"}, "cluster_ami_id must be an AMI ID", "al2023"),
    "termination protection not a boolean": (
        {"cluster_managed_termination_protection": "sometimes"},
        "cluster_managed_termination_protection",
        "sometimes",
    ),
    "agent settings with a secret": (
        {"cluster_agent_settings": {"ECS_ENGINE_AUTH_DATA": "x"}},
        "cluster_agent_settings keys must be ECS agent variables",
        "ECS_ENGINE_AUTH_DATA",
    ),
    "agent settings letting tasks reach the instance's metadata": (
        {"cluster_agent_settings": {"ECS_AWSVPC_BLOCK_IMDS": "false"}},
        "ECS_AWSVPC_BLOCK_IMDS",
        '"ECS_AWSVPC_BLOCK_IMDS": "false"',
    ),
    "agent settings without task roles": (
        {"cluster_agent_settings": {"ECS_ENABLE_TASK_IAM_ROLE": False}},
        "ECS_ENABLE_TASK_IAM_ROLE",
        '"ECS_ENABLE_TASK_IAM_ROLE": false',
    ),
    "agent settings overriding ECS_CLUSTER": (
        {"cluster_agent_settings": {"ECS_CLUSTER": "other"}},
        "cluster_agent_settings",
        "not ECS_CLUSTER",
    ),
    "unknown insights value": ({"cluster_container_insights": "on"}, "cluster_container_insights", "on"),
    "unknown state": ({"cluster_state": "gone"}, "cluster_state", "gone"),
}


@pytest.mark.parametrize(("extra_vars", "variable", "detail"), list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_before_any_aws_call(
    assert_rejected, run_playbook, extra_vars: dict, variable: str, detail: str
) -> None:
    result = run_playbook(PLAYBOOK, extra_vars)
    assert_rejected(result, variable, detail)


def test_valid_input_does_reach_the_emulator(clean_emulator, run_playbook) -> None:
    """The control: the emulator is empty, so the role stops where it looks for the security tier's KMS key."""
    result = run_playbook(PLAYBOOK, {"cluster_instance_type": "t3.small"}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output
    assert "run the security tier first" in output, output
    assert (
        clean_emulator.requests()["by_action"].get("kms:ListAliases", 0)
        + clean_emulator.requests()["by_action"].get("kms:DescribeKey", 0)
        >= 1
    ), clean_emulator.requests()
