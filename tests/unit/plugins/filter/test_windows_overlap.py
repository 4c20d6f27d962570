"""windows_overlap: RDS refuses a backup window that overlaps the maintenance window (issue 17)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.windows_overlap import windows_overlap


@pytest.mark.parametrize(
    ("daily", "weekly", "overlap"),
    [
        ("01:00-01:30", "sun:02:00-sun:03:00", False),  # the role's defaults
        ("02:30-03:00", "sun:02:00-sun:03:00", True),  # inside, on Sunday
        ("01:30-02:01", "sun:02:00-sun:03:00", True),  # one minute in
        ("01:30-02:00", "sun:02:00-sun:03:00", False),  # ends where it starts
        ("23:30-00:30", "mon:00:00-mon:01:00", True),  # the daily one crosses midnight
        ("03:00-03:30", "sun:23:00-mon:04:00", True),  # the weekly one crosses midnight (Monday 03:00)
        ("05:00-05:30", "sun:23:00-mon:04:00", False),
        ("00:10-00:40", "sun:23:50-mon:00:20", True),  # across the end of the week
    ],
)
def test_overlap(daily: str, weekly: str, overlap: bool) -> None:
    assert windows_overlap(daily, weekly) is overlap


@pytest.mark.parametrize(("daily", "weekly"), [("1:00-2:00", "sun:02:00-sun:03:00"), ("01:00-01:30", "xyz:1")])
def test_bad_windows(daily: str, weekly: str) -> None:
    with pytest.raises(AnsibleFilterError):
        windows_overlap(daily, weekly)
