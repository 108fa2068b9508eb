"""The findings pages' small parts: free-text masking and the hotspot chart's layout."""

from __future__ import annotations

import pytest

from gongzhi.insights.hotspots.models import Hotspot, Window
from gongzhi.insights.pages.chart import HEIGHT, hotspot_chart
from gongzhi.insights.tests.test_pages_fixtures import DECEMBER, NOVEMBER
from gongzhi.workorders.privacy import masked_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请回电13800138000", "请回电138****8000"),
        ("电话 138 0013 8000 谢谢", "电话 138****8000 谢谢"),
        ("+86 13800138000", "138****8000"),
        ("身份证110105199001011234", "身份证110***********1234"),
        ("3号楼2单元暖气不热，温度14度", "3号楼2单元暖气不热，温度14度"),
        ("工单 20251101000123 已办结", "工单 20251101000123 已办结"),
    ],
)
def test_phone_and_identity_numbers_in_a_text_are_masked(text: str, masked: str) -> None:
    assert masked_text(text) == masked


def test_the_requesters_name_in_a_text_is_masked() -> None:
    assert masked_text("我是张三丰，住3号楼", name="张三丰") == "我是张**，住3号楼"


def _hotspot(**kw: object) -> Hotspot:
    values: dict[str, object] = {
        "window": Window.MONTH,
        "period_start": NOVEMBER,
        "period_end": DECEMBER,
        "observed": 12,
        "expected": 3.2,
        "limit": 9,
        "evidence": {
            "baseline_months": ["2025-08", "2025-09", "2025-10"],
            "series": {"2025-08": 2, "2025-09": 4, "2025-11": 12},
        },
    }
    values.update(kw)
    return Hotspot(**values)


def test_the_chart_has_a_bar_per_baseline_month_and_this_one_last() -> None:
    chart = hotspot_chart(_hotspot())

    assert [(b.label, b.value, b.current) for b in chart.bars] == [
        ("2025-08", 2, False),
        ("2025-09", 4, False),
        ("2025-10", 0, False),
        ("2025-11", 12, True),
    ]


def test_taller_counts_draw_taller_bars_and_the_band_lies_between_expected_and_limit() -> None:
    chart = hotspot_chart(_hotspot())
    heights = [b.height for b in chart.bars]

    assert heights[0] < heights[1] < heights[3] and heights[2] == 0
    assert chart.limit_y < chart.expected_y  # SVG y grows downwards: the limit is higher
    assert chart.band_height == pytest.approx(chart.expected_y - chart.limit_y, abs=0.1)
    assert chart.bars[-1].y < chart.limit_y  # 12 is above the limit 9
    assert all(0 <= b.y <= HEIGHT for b in chart.bars)


def test_the_baseline_average_is_drawn_for_a_month() -> None:
    chart = hotspot_chart(_hotspot())

    assert chart.mean == 2.0  # (2 + 4 + 0) / 3


def test_a_hotspot_without_a_series_still_shows_its_window_and_band() -> None:
    chart = hotspot_chart(_hotspot(evidence={}))

    assert ([b.value for b in chart.bars], chart.mean) == ([12], None)
