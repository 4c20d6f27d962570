"""GuardDuty UpdateDetector merges Features by name (guardduty_update_detector_merges_features)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _features(guardduty: Any, detector_id: str) -> dict[str, Any]:
    return {feature["Name"]: feature for feature in guardduty.get_detector(DetectorId=detector_id)["Features"]}


def test_update_changes_only_the_named_features(aws: Callable[[str], Any]) -> None:
    guardduty = aws("guardduty")
    detector_id = guardduty.create_detector(
        Enable=True,
        Features=[
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {
                "Name": "RUNTIME_MONITORING",
                "Status": "ENABLED",
                "AdditionalConfiguration": [
                    {"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"},
                    {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "DISABLED"},
                ],
            },
        ],
    )["DetectorId"]
    created = _features(guardduty, detector_id)
    assert created["S3_DATA_EVENTS"]["Status"] == "ENABLED"
    assert "UpdatedAt" in created["S3_DATA_EVENTS"]

    guardduty.update_detector(
        DetectorId=detector_id,
        Features=[
            {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
            {
                "Name": "RUNTIME_MONITORING",
                "Status": "ENABLED",
                "AdditionalConfiguration": [{"Name": "EC2_AGENT_MANAGEMENT", "Status": "DISABLED"}],
            },
        ],
    )
    features = _features(guardduty, detector_id)
    assert features["S3_DATA_EVENTS"]["Status"] == "ENABLED"  # not named: kept
    assert features["EBS_MALWARE_PROTECTION"]["Status"] == "ENABLED"
    extra = {entry["Name"]: entry["Status"] for entry in features["RUNTIME_MONITORING"]["AdditionalConfiguration"]}
    assert extra == {"EC2_AGENT_MANAGEMENT": "DISABLED", "ECS_FARGATE_AGENT_MANAGEMENT": "DISABLED"}


def test_update_without_features_keeps_them(aws: Callable[[str], Any]) -> None:
    guardduty = aws("guardduty")
    detector_id = guardduty.create_detector(Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])[
        "DetectorId"
    ]
    guardduty.update_detector(DetectorId=detector_id, Enable=False)
    assert _features(guardduty, detector_id)["S3_DATA_EVENTS"]["Status"] == "ENABLED"
