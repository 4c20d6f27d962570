"""GuardDuty UpdateDetector merges ``Features`` into the detector's by name.

AWS behaviour restored: ``UpdateDetector``'s ``Features`` changes only the features it names; every other
feature keeps its status, and within a named feature only the named ``AdditionalConfiguration`` entries change.
``GetDetector`` answers each feature and additional configuration with its ``UpdatedAt``. moto 5.2.5 replaces
the detector's whole feature list with the request's (a feature left out disappears, an additional configuration
left out is dropped) and answers no ``UpdatedAt``.

Needed by: ``kstore.platform.guardduty_detector``, which sends only the features that differ; on plain moto the
features it did not send (S3 protection when runtime monitoring changes) are lost.
"""

from __future__ import annotations

import datetime
from typing import Any

from ._patching import patch


def _stamp(entry: dict[str, Any], now: str) -> dict[str, Any]:
    return dict(entry, updatedAt=now)


def merge_features(current: list[dict[str, Any]], request: list[dict[str, Any]], now: str) -> list[dict[str, Any]]:
    """``current`` with each feature of ``request`` applied by name (and its additional configuration by name)."""
    merged = [dict(feature) for feature in current]
    by_name = {feature.get("name"): feature for feature in merged}
    for change in request:
        feature = by_name.get(change.get("name"))
        if feature is None:
            feature = {"name": change.get("name")}
            merged.append(feature)
            by_name[feature["name"]] = feature
        if "status" in change:
            feature["status"] = change["status"]
        feature["updatedAt"] = now
        extra = [dict(entry) for entry in feature.get("additionalConfiguration") or []]
        extra_by_name = {entry.get("name"): entry for entry in extra}
        for entry in change.get("additionalConfiguration") or []:
            if entry.get("name") in extra_by_name:
                extra_by_name[entry.get("name")].update(_stamp(entry, now))
            else:
                extra.append(_stamp(entry, now))
        if extra:
            feature["additionalConfiguration"] = extra
    return merged


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def apply() -> None:
    from moto.guardduty.models import Detector

    def make_init(original: Any) -> Any:
        def __init__(self: Detector, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self.features = merge_features([], self.features or [], _now())

        return __init__

    def make_update(original: Any) -> Any:
        def update(
            self: Detector,
            enable: bool,
            finding_publishing_frequency: str,
            data_sources: dict[str, Any],
            features: list[dict[str, Any]],
        ) -> None:
            original(self, enable, finding_publishing_frequency, data_sources, None)
            if features is not None:
                self.features = merge_features(self.features or [], features, _now())

        return update

    patch(Detector, "__init__", __name__, make_init)
    patch(Detector, "update", __name__, make_update)
