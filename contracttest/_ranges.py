"""Sets of code points as sorted, disjoint, inclusive ranges ``((lo, hi), ...)``.

Shared by the ECMA-262 regex translator (`contracttest.schema.ecma`) and the string generators
(`contracttest.generate.strings`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

__all__ = [
    "MAX_CP",
    "Ranges",
    "complement",
    "contains",
    "intersect",
    "normalize",
    "size",
    "subtract",
]

Ranges = tuple[tuple[int, int], ...]
MAX_CP = 0x10FFFF


def normalize(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, with overlapping and adjacent ranges merged."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def intersect(left: Ranges, right: Ranges) -> Ranges:
    """The code points in both (each argument normalized)."""
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        lo, hi = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def complement(ranges: Iterable[tuple[int, int]], top: int = MAX_CP) -> Ranges:
    """The code points from 0 to ``top`` not in ``ranges`` (any order)."""
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in normalize(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = max(nxt, hi + 1)
    if nxt <= top:
        out.append((nxt, top))
    return tuple(out)


def subtract(ranges: Ranges, remove: Iterable[tuple[int, int]]) -> Ranges:
    """The code points of ``ranges`` (normalized) not in ``remove`` (any order)."""
    return intersect(ranges, complement(remove, MAX_CP))


def size(ranges: Ranges) -> int:
    """How many code points."""
    return sum(hi - lo + 1 for lo, hi in ranges)


def contains(ranges: Ranges, cp: int) -> bool:
    """Whether ``cp`` is in ``ranges`` (normalized)."""
    i = bisect.bisect_right(ranges, (cp, MAX_CP + 1)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]
