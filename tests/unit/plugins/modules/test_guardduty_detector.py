"""kstore.platform.guardduty_detector: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import guardduty_detector

TAGS = {"Platform": "shop", "ManagedBy": "kstore.platform"}


@pytest.fixture()
def guardduty(clean_emulator: Any) -> Any:
    return boto3.client("guardduty", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def detector(run_module: Callable[..., dict], clean_emulator: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        return run_module(guardduty_detector.main, args, check_mode=check_mode, diff=diff)

    return run


def test_create_update_idempotent(detector: Callable[..., dict], guardduty: Any) -> None:
    check = detector(check_mode=True, tags=TAGS)
    assert check["changed"] is True
    assert guardduty.list_detectors()["DetectorIds"] == []

    created = detector(tags=TAGS, finding_publishing_frequency="FIFTEEN_MINUTES", diff=True)
    assert created["changed"] is True, created
    [detector_id] = guardduty.list_detectors()["DetectorIds"]
    assert created["detector_id"] == detector_id
    stored = guardduty.get_detector(DetectorId=detector_id)
    assert stored["Status"] == "ENABLED"
    assert stored["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert stored["Tags"] == TAGS

    same = detector(tags=TAGS, finding_publishing_frequency="FIFTEEN_MINUTES")
    assert same["changed"] is False
    assert same["detector_id"] == detector_id

    suspended = detector(enable=False, diff=True)
    assert suspended["changed"] is True
    assert suspended["diff"]["before"]["status"] == "ENABLED"
    assert guardduty.get_detector(DetectorId=detector_id)["Status"] == "DISABLED"


def test_absent_only_if_tagged(detector: Callable[..., dict], guardduty: Any) -> None:
    guardduty.create_detector(Enable=True, Tags={"Owner": "security-team"})
    kept = detector(state="absent", delete_only_if_tagged=TAGS)
    assert kept["changed"] is False
    assert "left in place" in kept["skipped_reason"]
    assert len(guardduty.list_detectors()["DetectorIds"]) == 1

    assert detector(state="absent", check_mode=True)["changed"] is True
    assert len(guardduty.list_detectors()["DetectorIds"]) == 1
    assert detector(state="absent")["changed"] is True
    assert guardduty.list_detectors()["DetectorIds"] == []
    assert detector(state="absent")["changed"] is False


FEATURES = [
    {"name": "S3_DATA_EVENTS"},
    {"name": "EBS_MALWARE_PROTECTION", "status": "ENABLED"},
    {"name": "RDS_LOGIN_EVENTS", "status": "DISABLED"},
    {"name": "RUNTIME_MONITORING", "additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT"}]},
]


def _writes(emulator: Any) -> dict[str, int]:
    writes = ("guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector")
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in writes}


def _stored(guardduty: Any, detector_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        feature["Name"]: (
            feature["Status"],
            {extra["Name"]: extra["Status"] for extra in feature.get("AdditionalConfiguration", [])},
        )
        for feature in guardduty.get_detector(DetectorId=detector_id)["Features"]
    }


def test_features_at_creation_then_idempotent(
    detector: Callable[..., dict], guardduty: Any, clean_emulator: Any
) -> None:
    clean_emulator.reset_requests()
    check = detector(check_mode=True, features=FEATURES, diff=True)
    assert check["changed"] is True
    assert guardduty.list_detectors()["DetectorIds"] == []
    assert _writes(clean_emulator) == {}
    assert {f["name"]: f["status"] for f in check["diff"]["after"]["features"]}["S3_DATA_EVENTS"] == "ENABLED"

    created = detector(features=FEATURES, tags=TAGS)
    assert created["changed"] is True, created
    stored = _stored(guardduty, created["detector_id"])
    assert stored["S3_DATA_EVENTS"] == ("ENABLED", {})
    assert stored["EBS_MALWARE_PROTECTION"] == ("ENABLED", {})
    assert stored["RDS_LOGIN_EVENTS"] == ("DISABLED", {})
    assert stored["RUNTIME_MONITORING"] == ("ENABLED", {"EC2_AGENT_MANAGEMENT": "ENABLED"})

    clean_emulator.reset_requests()
    assert detector(features=FEATURES, tags=TAGS)["changed"] is False
    assert detector(features=FEATURES, check_mode=True)["changed"] is False
    assert _writes(clean_emulator) == {}
    # A feature the detector does not report counts as DISABLED: nothing to do.
    assert detector(features=[{"name": "LAMBDA_NETWORK_LOGS", "status": "DISABLED"}])["changed"] is False


def test_features_updated_only_where_they_differ(
    detector: Callable[..., dict], guardduty: Any, clean_emulator: Any
) -> None:
    detector_id = detector(features=FEATURES)["detector_id"]
    wanted = [
        {"name": "S3_DATA_EVENTS"},
        {
            "name": "RUNTIME_MONITORING",
            "additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT", "status": "DISABLED"}],
        },
    ]

    clean_emulator.reset_requests()
    check = detector(features=wanted, check_mode=True, diff=True)
    assert check["changed"] is True
    assert _writes(clean_emulator) == {}
    assert _stored(guardduty, detector_id)["RUNTIME_MONITORING"][1] == {"EC2_AGENT_MANAGEMENT": "ENABLED"}
    runtime = {f["name"]: f for f in check["diff"]["after"]["features"]}["RUNTIME_MONITORING"]
    assert runtime["additional_configuration"] == [{"name": "EC2_AGENT_MANAGEMENT", "status": "DISABLED"}]
    assert check["diff"]["before"] != check["diff"]["after"]

    updated = detector(features=wanted)
    assert updated["changed"] is True
    stored = _stored(guardduty, detector_id)
    assert stored["RUNTIME_MONITORING"] == ("ENABLED", {"EC2_AGENT_MANAGEMENT": "DISABLED"})
    assert stored["EBS_MALWARE_PROTECTION"] == ("ENABLED", {})  # not listed: left alone
    assert updated["detector"]["features"] == check["detector"]["features"]
    assert detector(features=wanted)["changed"] is False

    # Suspending keeps the features; without features the module leaves them alone.
    assert detector(enable=False)["changed"] is True
    assert guardduty.get_detector(DetectorId=detector_id)["Status"] == "DISABLED"
    assert _stored(guardduty, detector_id)["S3_DATA_EVENTS"] == ("ENABLED", {})


def test_feature_changes_helpers() -> None:
    existing = [
        {"name": "S3_DATA_EVENTS", "status": "ENABLED", "additional_configuration": []},
        {
            "name": "RUNTIME_MONITORING",
            "status": "ENABLED",
            "additional_configuration": [{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}],
        },
    ]
    ec2 = {"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"}
    wanted = [
        {"name": "S3_DATA_EVENTS", "status": "ENABLED", "additional_configuration": []},
        {"name": "RUNTIME_MONITORING", "status": "ENABLED", "additional_configuration": [ec2]},
    ]
    changes = guardduty_detector.feature_changes(existing, wanted)
    assert [change["name"] for change in changes] == ["RUNTIME_MONITORING"]
    after = guardduty_detector.apply_features(existing, changes)
    assert after[1]["additional_configuration"] == [{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}, ec2]
    assert existing[1]["additional_configuration"] == [{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}]
    assert guardduty_detector.feature_changes(after, wanted) == []
    assert guardduty_detector.features_request(changes) == [
        {
            "Name": "RUNTIME_MONITORING",
            "Status": "ENABLED",
            "AdditionalConfiguration": [{"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"}],
        }
    ]
