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
