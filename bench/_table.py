"""The measure | value | note table that bench scripts print, and the percentile they use."""

from __future__ import annotations

import sys


def print_table(rows: list[tuple[str, str, str]], value_header: str, value_width: int) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {value_header:>{value_width}}  note")
    print(f"{'-' * width}  {'-' * value_width}  ----")
    for what, value, note in rows:
        print(f"{what:<{width}}  {value:>{value_width}}  {note}")


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0-100) of ``values``: a measured sample, never
    an interpolated one."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


class Rows(list):
    """A bench's table rows, each also shown on stderr as it is measured (long runs show
    progress before the table)."""

    def add(self, what: str, value: str, note: str = "") -> None:
        self.append((what, value, note))
        print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)


def ms(x: float) -> str:
    return f"{x:.0f} ms"
