"""ECS's rolling update arithmetic as the data plane's service scheduler applies it (a pure function: no Docker).

The cases are the ones the ECS developer guide describes for minimumHealthyPercent / maximumPercent."""

from __future__ import annotations

import pytest

from tools.dataplane.ecs import rolling_plan


@pytest.mark.parametrize(
    ("desired", "minimum", "maximum", "new", "old", "healthy", "expected"),
    [
        # the platform's settings (100/200): the new task starts beside the old one, nothing is stopped early
        (1, 100, 200, 0, 1, 1, (1, 0)),
        (2, 100, 200, 1, 2, 2, (1, 0)),
        # 50/100, four tasks: two old ones stop first (two stay healthy), then two new ones start in their room
        (4, 50, 100, 0, 4, 4, (0, 2)),
        (4, 50, 100, 0, 2, 2, (2, 0)),
        # ... the two new ones are not healthy yet: nothing more may stop
        (4, 50, 100, 2, 2, 2, (0, 0)),
        # ... once healthy, the last two old ones stop to make room for the last two new ones
        (4, 50, 100, 2, 2, 4, (0, 2)),
        # 100/100 cannot move (ECS cannot either): no room above, nothing may stop below
        (2, 100, 100, 0, 2, 2, (0, 0)),
        # scale out within one deployment, and nothing to do when complete
        (3, 100, 200, 1, 0, 1, (2, 0)),
        (3, 100, 200, 3, 0, 3, (0, 0)),
    ],
)
def test_rolling_plan(desired, minimum, maximum, new, old, healthy, expected) -> None:
    assert rolling_plan(desired, minimum, maximum, new, old, healthy) == expected
