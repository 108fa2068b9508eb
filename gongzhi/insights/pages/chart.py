"""The evidence of a hotspot as a small SVG series, laid out here and drawn by the template
(no chart library): one bar per month of the baseline the scan read (the monthly counts it
stored in `evidence["series"]`), the hotspot's own window last, and at that last bar the band
from the expected count to the control limit. For a month window a dashed line marks the
baseline months' average, so a seasonal rise and a rise above the season can be told apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gongzhi.insights.hotspots.models import Hotspot, Window

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 26


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "2025-11", shown under every few bars
    value: int
    current: bool
    show_label: bool


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass
class SeriesChart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    # The band expected … limit at the current bar.
    band_x: float = 0.0
    band_width: float = 0.0
    expected_y: float = 0.0
    limit_y: float = 0.0
    mean_y: float | None = None
    mean: float | None = None
    baseline_y: float = HEIGHT - BOTTOM
    left: int = LEFT
    right_x: int = WIDTH - RIGHT

    @property
    def band_height(self) -> float:
        return round(max(self.expected_y - self.limit_y, 0.0), 1)

    @property
    def band_right(self) -> float:
        return round(self.band_x + self.band_width, 1)


def _nice_step(top: float) -> int:
    raw = max(top / 4.0, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * magnitude:
            return int(m * magnitude)
    return int(10 * magnitude)


def hotspot_chart(hotspot: Hotspot) -> SeriesChart:
    evidence = hotspot.evidence or {}
    series: dict[str, int] = evidence.get("series") or {}
    current = f"{hotspot.period_start:%Y-%m}"
    months = [m for m in evidence.get("baseline_months") or [] if m != current]
    values: list[tuple[str, int, bool]] = [(m, int(series.get(m, 0)), False) for m in months]
    values.append((current, int(hotspot.observed), True))
    top = max([v for _m, v, _c in values] + [hotspot.limit, math.ceil(hotspot.expected), 1])
    step = _nice_step(top)
    top = step * math.ceil(top * 1.1 / step)
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - v / top), 1)

    slot = plot_w / len(values)
    width = max(2.0, slot * 0.7)
    every = max(1, math.ceil(len(values) / 8))
    chart = SeriesChart()
    for i, (label, v, is_current) in enumerate(values):
        x = round(LEFT + i * slot + (slot - width) / 2, 1)
        chart.bars.append(
            Bar(
                x=x,
                y=y(v),
                width=round(width, 1),
                height=round(HEIGHT - BOTTOM - y(v), 1),
                label=label if hotspot.window == Window.MONTH or not is_current else "",
                value=v,
                current=is_current,
                show_label=is_current or (len(values) - 1 - i) % every == 0,
            )
        )
    last = chart.bars[-1]
    chart.band_x = round(last.x - slot * 0.12, 1)
    chart.band_width = round(last.width + slot * 0.24, 1)
    chart.expected_y = y(hotspot.expected)
    chart.limit_y = y(hotspot.limit)
    baseline = [v for _m, v, c in values if not c]
    if hotspot.window == Window.MONTH and baseline:
        chart.mean = round(sum(baseline) / len(baseline), 1)
        chart.mean_y = y(chart.mean)
    chart.ticks = [Tick(y=y(v), value=v) for v in range(0, top + 1, step)]
    return chart
