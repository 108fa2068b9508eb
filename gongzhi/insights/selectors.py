"""Reads over the roll-ups for pages, reports and the benchmark. The ranking lives in
rankings.py (re-exported here); the dashboard's figures and the hotspot scan's input here."""

from __future__ import annotations

from gongzhi.insights.rankings import Grade, Level, RankingRow, ranking

__all__ = ["Grade", "Level", "RankingRow", "ranking"]
