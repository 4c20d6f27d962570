# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Edit distance between two names (the filters that say "did you mean ...?")."""

from __future__ import annotations


def distance(one: str, other: str) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from one to other (optimal string alignment)."""
    rows = [[0] * (len(other) + 1) for _row in range(len(one) + 1)]
    for i in range(len(one) + 1):
        rows[i][0] = i
    for j in range(len(other) + 1):
        rows[0][j] = j
    for i in range(1, len(one) + 1):
        for j in range(1, len(other) + 1):
            cost = 0 if one[i - 1] == other[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and one[i - 1] == other[j - 2] and one[i - 2] == other[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]
