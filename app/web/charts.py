"""Highcharts configurations for the CV, built in Python from a Summary."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from highcharts_core.chart import Chart

from app.statistics.summary import Summary, week_range

PALETTE = ["#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899",
           "#14b8a6", "#94a3b8"]
TOP_LANGUAGES = 8
OTHER_LANGUAGES = "Other languages"

_BASE = {
    "chart": {"backgroundColor": "transparent", "style": {"fontFamily": "inherit"}},
    "colors": PALETTE,
    "credits": {"enabled": False},
    "title": {"align": "left", "style": {"fontSize": "1.05rem", "fontWeight": "600"}},
    "legend": {"itemStyle": {"fontWeight": "500"}},
    # Exported locally in the browser: no chart data ever goes to an export server.
    "exporting": {"enabled": True, "fallbackToExportServer": False},
}


def _milliseconds(day: str) -> int:
    return int(datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
               .timestamp() * 1000)


def _chart(container: str, title: str, options: dict) -> str:
    chart = Chart.from_options({**_BASE, "title": {**_BASE["title"], "text": title}, **options})
    chart.container = container
    return chart.to_js_literal()


def _top_languages(summary: Summary) -> list[str]:
    return [name for name, _ in summary.languages_by_lines()[:TOP_LANGUAGES]]


def commits_per_week(summary: Summary, container: str = "chart-commits") -> str:
    weeks = list(summary.weeks)
    points = [[_milliseconds(week), summary.weeks[week].commits if week in summary.weeks else 0]
              for week in (week_range(weeks[0], weeks[-1]) if weeks else [])]
    return _chart(container, "Commits per week", {
        "chart": {**_BASE["chart"], "type": "column"},
        "xAxis": {"type": "datetime"},
        "yAxis": {"title": {"text": "Commits"}, "allowDecimals": False, "minTickInterval": 1},
        "legend": {"enabled": False},
        "plotOptions": {"column": {"borderWidth": 0, "groupPadding": 0, "pointPadding": 0.05}},
        "series": [{"type": "column", "name": "Commits", "data": points}],
    })


def languages_over_time(summary: Summary, container: str = "chart-languages-time") -> str:
    """Lines added per month and language as stacked columns (areas would suggest
    work between the months that have it); small languages grouped together."""
    top = set(_top_languages(summary))
    months: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for week, totals in summary.weeks.items():
        month = week[:7] + "-01"
        for name, language in totals.languages.items():
            months[month][name if name in top else OTHER_LANGUAGES] += language.lines_added
    ordered = sorted(months)
    names = [*_top_languages(summary), OTHER_LANGUAGES]
    series = [
        {"type": "column", "name": name,
         "data": [[_milliseconds(month), months[month].get(name, 0)] for month in ordered]}
        for name in names
        if any(months[month].get(name) for month in ordered)
    ]
    return _chart(container, "Lines added per language, by month", {
        "chart": {**_BASE["chart"], "type": "column"},
        "xAxis": {"type": "datetime"},
        "yAxis": {"title": {"text": "Lines added"}},
        "plotOptions": {"column": {"stacking": "normal", "borderWidth": 0, "groupPadding": 0.05}},
        "series": series,
    })


def language_share(summary: Summary, container: str = "chart-language-share") -> str:
    """Share of changed lines (added + removed) per language."""
    ranked = summary.languages_by_lines()
    points = [{"name": name, "y": t.lines_changed} for name, t in ranked[:TOP_LANGUAGES]]
    rest = sum(t.lines_changed for _, t in ranked[TOP_LANGUAGES:])
    if rest:
        points.append({"name": OTHER_LANGUAGES, "y": rest})
    return _chart(container, "Language share (lines changed)", {
        "chart": {**_BASE["chart"], "type": "pie"},
        "tooltip": {"pointFormat": "<b>{point.percentage:.1f}%</b> ({point.y:,.0f} lines)"},
        "plotOptions": {"pie": {"innerSize": "55%", "size": "85%", "dataLabels": {
            "enabled": True, "format": "{point.name} {point.percentage:.0f}%",
            "style": {"fontWeight": "500", "textOutline": "none"}}}},
        "series": [{"type": "pie", "name": "Lines changed", "data": points}],
    })
