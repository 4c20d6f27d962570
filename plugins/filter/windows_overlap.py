# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a daily window (hh:mm-hh:mm) and a weekly one (ddd:hh:mm-ddd:hh:mm) overlap, as RDS forbids."""

from __future__ import annotations

import re
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: windows_overlap
short_description: Whether a daily and a weekly maintenance-style window overlap
version_added: 0.1.0
description:
  - RDS and ElastiCache refuse a backup (snapshot) window that overlaps the maintenance window, but only once the
    instance exists or is being created. This filter tells before any call. Both windows are UTC; either may cross
    midnight (and the weekly one the end of the week).
options:
  _input:
    description: The daily window, C(hh:mm-hh:mm).
    type: str
    required: true
  weekly:
    description: The weekly window, C(ddd:hh:mm-ddd:hh:mm) (C(mon) to C(sun)).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse a backup window inside the maintenance window
  ansible.builtin.assert:
    that: not ('02:30-03:00' | kstore.platform.windows_overlap('sun:02:00-sun:03:00'))
"""

RETURN = r"""
_value:
  description: True when the daily window, on any day, shares a minute with the weekly window.
  type: bool
"""

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 1440
WEEK = 7 * DAY
DAILY = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
WEEKLY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)-(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)$")


def _arcs_meet(start: int, length: int, other_start: int, other_length: int, size: int) -> bool:
    return (other_start - start) % size < length or (start - other_start) % size < other_length


def windows_overlap(daily: Any, weekly: Any) -> bool:
    day = DAILY.match(str(daily))
    week = WEEKLY.match(str(weekly).lower())
    if not day or not week:
        raise AnsibleFilterError(
            f"windows_overlap: expected hh:mm-hh:mm and ddd:hh:mm-ddd:hh:mm, got '{daily}' and '{weekly}'"
        )
    start = int(day[1]) * 60 + int(day[2])
    length = (int(day[3]) * 60 + int(day[4]) - start) % DAY
    w_start = DAYS.index(week[1]) * DAY + int(week[2]) * 60 + int(week[3])
    w_length = (DAYS.index(week[4]) * DAY + int(week[5]) * 60 + int(week[6]) - w_start) % WEEK
    return any(_arcs_meet(d * DAY + start, length, w_start, w_length, WEEK) for d in range(7))


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"windows_overlap": windows_overlap}
