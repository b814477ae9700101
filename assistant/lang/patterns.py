"""The shared patterns of the genre: years, five-year plan periods (十四五 → 2021–2025, computed)
and place names. Every module that looks for a year or a plan period takes it from here."""

from __future__ import annotations

import functools
import re

from assistant.lang import DATA_DIR

# A calendar year as the documents write it (1900–2099), as a regex fragment to embed.
YEAR = r"(?:19|20)\d{2}"
# A year standing alone (not part of a longer number).
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
# A whole token that is a year.
YEAR_TOKEN_RE = re.compile(rf"^{YEAR}$")

_CN_ORDINAL = "一二三四五六七八九"
# A five-year plan period: 十三五, 十四五, 十五五 … (the Nth plan is written 十N五 for N = 11–19).
PLAN_PERIOD = rf"十[{_CN_ORDINAL}]五"
PLAN_PERIOD_RE = re.compile(PLAN_PERIOD)

# The third plan started in 1966 after the 1963–65 adjustment years; every plan since is five
# years long, so the Nth (N ≥ 3) covers 1966 + 5(N − 3) … + 4.
_THIRD_PLAN_START = 1966


def plan_period_years(name: str) -> tuple[int, int] | None:
    """First and last year of a plan period named 十N五 (``"十四五"`` → (2021, 2025))."""
    m = re.search(rf"十([{_CN_ORDINAL}])五", name)
    if m is None:
        return None
    n = 10 + _CN_ORDINAL.index(m.group(1)) + 1
    start = _THIRD_PLAN_START + 5 * (n - 3)
    return start, start + 4


@functools.cache
def known_regions() -> tuple[str, ...]:
    """Place names a question may be anchored to, longest first (``data/regions.txt``)."""
    raw = (DATA_DIR / "regions.txt").read_text(encoding="utf-8")
    names = {w for line in raw.splitlines() if not line.startswith("#") for w in line.split()}
    return tuple(sorted(names, key=len, reverse=True))
