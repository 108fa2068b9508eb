"""The dashboards' charts as geometry for server-rendered SVG (templates
insights/dashboard/_trend.html and _categories.html): no chart library, nothing from a CDN,
and the same figures in a table beside each chart for screen readers and printing.

Coordinates are in the SVG's own units (viewBox); the SVG scales to the width of the page.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gongzhi.insights.dashboard.selectors import CategoryFigures
from gongzhi.insights.selectors import AreaFigures

WIDTH = 480
LEFT, RIGHT, TOP = 36, 10, 14
CATEGORY_WIDTH = 440

RATE_SERIES = (
    ("composite", _("综合得分"), "#b3261e"),
    ("response", _("响应率"), "#0b5cad"),
    ("resolution", _("解决率"), "#1e7a46"),
    ("satisfaction", _("满意率"), "#8a5a00"),
)


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str  # the month


@dataclass
class Series:
    key: str
    label: str
    color: str
    points: list[Point] = field(default_factory=list)
    # Gaps (months without the figure) break the line into segments.
    paths: list[str] = field(default_factory=list)
    last: float | None = None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class TrendChart:
    width: int
    rate_height: int
    bar_height: int
    plot_bottom: float
    bar_bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[Series]
    bars: list[Bar]
    bar_max: int
    rows: list[tuple[str, AreaFigures]]  # the table fallback, oldest first
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def has_rates(self) -> bool:
        return any(s.points for s in self.series)


def _nice_floor(v: float) -> float:
    return max(0.0, math.floor(v / 10.0) * 10.0)


def trend_chart(trend: list[tuple[dt.date, AreaFigures]], *, months: int = 12) -> TrendChart:
    """Lines of the three rates and the composite (percent) over the last `months` months and,
    under them, bars of the orders received."""
    trend = trend[-months:]
    n = len(trend)
    rate_h, bar_h = 200, 110
    plot_bottom = rate_h - 24
    step = (WIDTH - LEFT - RIGHT) / max(1, n)
    xs = [LEFT + step * (i + 0.5) for i in range(n)]
    labels = [f"{m.year}-{m.month:02d}" for m, _f in trend]
    values = [
        v
        for _m, f in trend
        for key, _l, _c in RATE_SERIES
        if (v := getattr(f.rates, key)) is not None
    ]
    low = min(_nice_floor(min(values)), 80.0) if values else 0.0

    def y_of(v: float) -> float:
        return plot_bottom - (v - low) / (100.0 - low) * (plot_bottom - TOP)

    tick_step = 10.0 if 100.0 - low <= 50 else 20.0
    y_ticks = []
    t = low
    while t <= 100.0 + 1e-9:
        y_ticks.append(Tick(round(y_of(t), 1), f"{t:g}"))
        t += tick_step
    series = []
    for key, label, color in RATE_SERIES:
        s = Series(key, str(label), color)
        segment: list[str] = []
        for x, month_label, (_m, f) in zip(xs, labels, trend, strict=True):
            v = getattr(f.rates, key)
            if v is None:
                if segment:
                    s.paths.append(" ".join(segment))
                segment = []
                continue
            p = Point(round(x, 1), round(y_of(v), 1), v, month_label)
            s.points.append(p)
            segment.append(f"{'M' if not segment else 'L'}{p.x},{p.y}")
        if segment:
            s.paths.append(" ".join(segment))
        s.last = s.points[-1].value if s.points else None
        series.append(s)

    bar_bottom = bar_h - 22
    bar_max = max((f.counts["received"] for _m, f in trend), default=0)
    bars = []
    width = step * 0.6
    for x, month_label, (_m, f) in zip(xs, labels, trend, strict=True):
        value = f.counts["received"]
        height = (value / bar_max) * (bar_bottom - 16) if bar_max else 0.0
        bars.append(
            Bar(
                round(x - width / 2, 1),
                round(bar_bottom - height, 1),
                round(width, 1),
                round(height, 1),
                value,
                month_label,
            )
        )
    # Month labels: every month when there is room, else every other one.
    every = 1 if n <= 8 else 2
    x_ticks = [
        Tick(round(x, 1), label[2:] if n > 8 else label)
        for i, (x, label) in enumerate(zip(xs, labels, strict=True))
        if (n - 1 - i) % every == 0
    ]
    return TrendChart(
        width=WIDTH,
        rate_height=rate_h,
        bar_height=bar_h,
        plot_bottom=plot_bottom,
        bar_bottom=bar_bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        series=series,
        bars=bars,
        bar_max=bar_max,
        rows=[(label, f) for label, (_m, f) in zip(labels, trend, strict=True)],
    )


@dataclass(frozen=True)
class CategoryBar:
    y: float
    width: float
    value_x: float  # where the count and the change are written, after the bar
    category: CategoryFigures
    change_class: str  # "up", "down" or "same"


@dataclass
class CategoryChart:
    width: int
    height: int
    label_width: int
    row_height: int
    bars: list[CategoryBar]


def category_chart(categories: list[CategoryFigures]) -> CategoryChart:
    """One horizontal bar per category (orders this month), its count and the change on last
    month at the end of the bar."""
    label_w, row_h, value_w = 104, 30, 128
    top = max((c.received for c in categories), default=0)
    room = CATEGORY_WIDTH - label_w - value_w
    bars = []
    for i, c in enumerate(categories):
        change = "up" if c.change > 0 else "down" if c.change < 0 else "same"
        width = round(max(2.0, room * c.received / top), 1) if top else 0.0
        bars.append(
            CategoryBar(
                y=i * row_h + 4,
                width=width,
                value_x=round(label_w + width + 6, 1),
                category=c,
                change_class=change,
            )
        )
    return CategoryChart(
        width=CATEGORY_WIDTH,
        height=max(row_h, len(categories) * row_h + 4),
        label_width=label_w,
        row_height=row_h,
        bars=bars,
    )
