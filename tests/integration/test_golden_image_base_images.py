"""A base image the Dockerfiles start FROM that the Docker engine lacks is dealt with before any AWS call.

site.yml's preflight (playbooks/preflight.yml -> the golden_image role's base_images.yml) reads the FROM lines of
the golden image's Dockerfile and the test database's. With golden_image_base_images: require (staging and
production) a missing one stops site.yml before its first AWS request, saying what to do; with build (the local
inventory) it is built with tools/base-image. Real Docker engine, private emulator counting requests. Before the fix,
site.yml ran six tiers and failed ~10 minutes later at the image build with a Docker Hub lookup error.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSING = "kstore-test/never-built:1"


def _docker_ok() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


pytestmark = pytest.mark.skipif(not _docker_ok(), reason="needs the Docker engine (tools/localenv up docker)")


def _context(tmp_path: Path, base: str) -> str:
    context = tmp_path / "context"
    context.mkdir()
    (context / "Dockerfile").write_text(f"FROM {base} AS first\nFROM first\nFROM {base}\nCOPY --from=first / /x\n")
    return str(context)


def test_site_stops_before_any_aws_call_when_a_base_image_is_missing(assert_rejected, run_playbook, tmp_path) -> None:
    result = run_playbook(
        "playbooks/site.yml",
        {"golden_image_base_images": "require", "golden_image_context_dir": _context(tmp_path, MISSING)},
    )
    # Names the image, says how to get it, and the stage alias "first" is not taken for an image.
    assert_rejected(result, MISSING, f"docker pull {MISSING}", "golden_image_base_images: pull", "tools/base-image")
    assert "first" not in result.stdout.split("are not on the Docker engine")[0].split("base image(s)")[-1]


def test_build_refuses_what_tools_base_image_cannot_build(assert_rejected, run_playbook, tmp_path) -> None:
    result = run_playbook(
        "playbooks/preflight.yml",
        {"golden_image_base_images": "build", "golden_image_context_dir": _context(tmp_path, MISSING)},
    )
    assert_rejected(result, "only debian:<suite>-slim is known", MISSING)


def test_build_needs_a_builder(assert_rejected, run_playbook, tmp_path) -> None:
    result = run_playbook(
        "playbooks/preflight.yml",
        {
            "golden_image_base_images": "build",
            "golden_image_base_image_builder": str(tmp_path / "none"),
            "golden_image_context_dir": _context(tmp_path, MISSING),
        },
    )
    assert_rejected(result, "golden_image_base_image_builder must be the path", str(tmp_path / "none"))


def test_present_base_images_change_nothing(run_playbook) -> None:
    """The local inventory's own Dockerfiles (debian:bookworm-slim, built by the first run): nothing to do."""
    subprocess.run([ROOT / "tools/base-image"], check=True, capture_output=True)  # present: returns at once
    result = run_playbook("playbooks/preflight.yml", {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "changed=0" in result.stdout, result.stdout
    assert "Build each missing base image" in result.stdout  # the step exists and was skipped
    assert "skipping" in result.stdout.split("Build each missing base image")[1][:300], result.stdout


def test_unknown_mode_is_refused(assert_rejected, run_playbook) -> None:
    result = run_playbook("playbooks/preflight.yml", {"golden_image_base_images": "download"})
    assert_rejected(result, "golden_image_base_images", "download")


def test_site_stops_before_any_aws_call_on_a_misspelled_tier_prefix(assert_rejected, run_playbook) -> None:
    """Issue 17: the roles only see variables with their own prefix; databse_… and netwrok_… are read by nobody."""
    result = run_playbook("playbooks/site.yml", {"databse_instance_class": "db.t4g.micro", "netwrok_az_count": 3})
    assert_rejected(
        result,
        "databse_instance_class, netwrok_az_count would be read by no tier (a misspelled prefix)",
        "did you mean database_instance_class, network_az_count?",
    )


def test_site_stops_before_any_aws_call_on_credentials_in_the_environment_variable(
    assert_rejected, run_playbook
) -> None:
    """Issue 16: Ansible prints a task's environment at -vvv; keys in platform_aws_environment are refused unless it
    points at a local emulator (the local inventory's dummy keys)."""
    environment = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret-value"}
    result = run_playbook("playbooks/site.yml", {"platform_aws_environment": environment})
    assert_rejected(result, "platform_aws_environment holds AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY")
    remote = {**environment, "AWS_ENDPOINT_URL": "https://ecs.example.com"}
    result = run_playbook("playbooks/site.yml", {"platform_aws_environment": remote})
    assert_rejected(result, "platform_aws_environment holds AWS_ACCESS_KEY_ID")


def test_site_stops_before_any_aws_call_on_a_misspelled_option_and_says_what_was_meant(
    assert_rejected, run_playbook
) -> None:
    """Issue 17 point 3: service_desired_cout would be refused by the service role only when it runs, after the
    earlier tiers changed AWS; the preflight refuses it first, naming the option meant."""
    result = run_playbook("playbooks/site.yml", {"service_desired_cout": 3, "database_instance_clas": "db.t4g.micro"})
    assert_rejected(
        result,
        "database_instance_clas is no variable of the collection's roles: did you mean database_instance_class?",
        "service_desired_cout is no variable of the collection's roles: did you mean service_desired_count?",
    )


def test_a_users_own_variable_with_a_tier_prefix_is_declared_in_platform_foreign_variables(
    assert_rejected, run_playbook
) -> None:
    result = run_playbook("playbooks/preflight.yml", {"network_team_email": "noc@example.com"})
    assert_rejected(result, "network_team_email is no variable of the collection's roles", "platform_foreign_variables")
    declared = {"network_team_email": "noc@example.com", "platform_foreign_variables": ["^network_team_"]}
    result = run_playbook("playbooks/preflight.yml", declared)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
