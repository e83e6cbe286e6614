"""Highcharts configurations for the CV and the widget, built in Python from a Summary."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from highcharts_core.chart import Chart
from highcharts_core.options import HighchartsOptions

from app.statistics.summary import Summary, WeekTotals, week_range

TOP_LANGUAGES = 8
# Small languages grouped on charts; "Other" is files of no known language.
OTHER_LANGUAGES = "Smaller languages"
ACCENT = "#4f46e5"
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
MONTH_MS = 30 * DAY_MS
# Colours darker than this (relative luminance, 0-1) are lightened on the dark theme.
DARK_THEME_MIN_LUMINANCE = 0.25
DARK_THEME_LIGHTEN = 0.45

# A language keeps its colour on every chart and every CV (GitHub's colours
# where people know them); others get a stable colour from their name.
LANGUAGE_COLORS = {
    "Python": "#3572A5", "JavaScript": "#e6c419", "TypeScript": "#3178c6", "Java": "#b07219",
    "Go": "#00ADD8", "Rust": "#dea584", "C": "#555555", "C++": "#f34b7d", "C#": "#178600",
    "Ruby": "#701516", "PHP": "#4F5D95", "Kotlin": "#A97BFF", "Swift": "#F05138",
    "Shell": "#89e051", "HTML": "#e34c26", "CSS": "#663399", "SCSS": "#c6538c",
    "Markdown": "#083fa1", "reStructuredText": "#1e8a7a", "YAML": "#cb171e", "JSON": "#292929",
    "TOML": "#9c4221", "SQL": "#e38c00", "Dockerfile": "#384d54", "Makefile": "#427819",
    "Terraform": "#7B42BC", "Vue": "#41b883", "Dart": "#00B4AB", "Scala": "#c22d40",
    "Elixir": "#6e4a7e", "Haskell": "#5e5086", "Lua": "#000080", "R": "#198CE7",
    "Jupyter Notebook": "#DA5B0B", "Objective-C": "#438eff", "Perl": "#0298c3",
    "Cython": "#fedf5b", "Fortran": "#4d41b1", "Text": "#8a94a6", "Other": "#b0b7c3",
    OTHER_LANGUAGES: "#cbd2dc",
}
_FALLBACK = ["#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899", "#14b8a6",
             "#84cc16", "#f97316", "#06b6d4"]
KIND_COLORS = {"feat": "#10b981", "fix": "#ef4444", "docs": "#0ea5e9", "refactor": "#8b5cf6",
               "test": "#f59e0b", "chore": "#94a3b8", "ci": "#14b8a6", "build": "#84cc16",
               "perf": "#ec4899", "style": "#a3a3a3", "revert": "#737373"}


@dataclass(frozen=True)
class Theme:
    name: str
    text: str
    muted: str
    grid: str
    surface: str  # the card a chart sits on


THEMES = {
    "light": Theme("light", text="#1f2430", muted="#6b7280", grid="#e5e7eb", surface="#ffffff"),
    "dark": Theme("dark", text="#e6e8ee", muted="#9aa3b2", grid="#2c3442", surface="#171d26"),
}


def language_color(name: str, theme: Theme | None = None) -> str:
    """The language's colour; on the dark theme, too dark ones are lightened."""
    color = LANGUAGE_COLORS.get(name)
    if color is None:
        digest = hashlib.sha256(name.encode()).digest()
        color = _FALLBACK[digest[0] % len(_FALLBACK)]
    if theme is not None and theme.name == "dark":
        return _readable_on_dark(color)
    return color


def _readable_on_dark(color: str) -> str:
    """A colour too dark to stand out on the dark background (reStructuredText's
    #141414 would vanish), mixed part of the way to white."""
    channels = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    luminance = sum(w * c for w, c in zip((0.2126, 0.7152, 0.0722), channels, strict=True)) / 255
    if luminance >= DARK_THEME_MIN_LUMINANCE:
        return color
    return "#" + "".join(f"{round(c + (255 - c) * DARK_THEME_LIGHTEN):02x}" for c in channels)


def _milliseconds(day: str) -> int:
    return int(datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
               .timestamp() * 1000)


def _chart(container: str, title: str, theme: Theme, options: dict[str, Any]) -> str:
    axis_labels = {"style": {"color": theme.muted}}
    base: dict[str, Any] = {
        "chart": {"backgroundColor": "transparent",
                  "style": {"fontFamily": "inherit", "color": theme.text}},
        "credits": {"enabled": False},
        "title": {"text": title, "align": "left",
                  "style": {"fontSize": "1.05rem", "fontWeight": "600", "color": theme.text}},
        "legend": {"itemStyle": {"fontWeight": "500", "color": theme.text}},
        "xAxis": {"type": "datetime", "labels": axis_labels, "lineColor": theme.grid,
                  "tickColor": theme.grid},
        "yAxis": {"labels": axis_labels, "gridLineColor": theme.grid,
                  "title": {"style": {"color": theme.muted}}},
        "navigation": {"buttonOptions": {"theme": {"fill": "transparent"},
                                         "symbolStroke": theme.muted}},
        # Exported in the browser: chart data never goes to an export server.
        "exporting": {
            "enabled": True, "fallbackToExportServer": False,
            "filename": f"commit-stats-{container.removeprefix('chart-')}",
            # An image is seen away from the page: it takes the card's background along.
            "chartOptions": HighchartsOptions.from_dict(
                {"chart": {"backgroundColor": theme.surface}}),
            "buttons": {"contextButton": {
                "menuItems": ["viewFullscreen", "downloadPNG", "downloadSVG"]}}},
        # Narrow screens: legends below, no labels that would not fit.
        "responsive": {"rules": [{"condition": {"maxWidth": 480}, "chartOptions": {
            "legend": {"layout": "horizontal", "align": "center", "verticalAlign": "bottom"},
            "plotOptions": {"pie": {"dataLabels": {"enabled": False}, "showInLegend": True}},
        }}]},
    }
    for key, value in options.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and key in base else value
    chart = Chart.from_options(base)
    chart.container = container
    return _unwrap(chart.to_js_literal())


_ON_LOAD_PREFIX = "document.addEventListener('DOMContentLoaded', function() {\n"
_ON_LOAD_SUFFIX = "});"


def _unwrap(literal: str) -> str:
    """Drop highcharts-core's DOMContentLoaded wrapper: the scripts run right after
    their containers, also when htmx swaps a fragment in, long after that event."""
    if not (literal.startswith(_ON_LOAD_PREFIX) and literal.endswith(_ON_LOAD_SUFFIX)):
        raise ValueError("highcharts-core changed the shape of its JavaScript output")
    return literal.removeprefix(_ON_LOAD_PREFIX).removesuffix(_ON_LOAD_SUFFIX).strip()


def _time_axis(period_ms: int, periods_shown: int, last: str | None) -> dict[str, Any]:
    """An x axis of whole periods (weeks or months) ending at the `last` one, that
    shows at least `periods_shown` of them, so a range with one busy week is not
    stretched into hours."""
    axis: dict[str, Any] = {"minTickInterval": period_ms, "minRange": periods_shown * period_ms}
    if last:
        axis["max"] = _milliseconds(last) + period_ms // 2
    return axis


def _top_languages(summary: Summary) -> list[str]:
    return [name for name, _ in summary.languages_by_lines()[:TOP_LANGUAGES]]


def _all_weeks(summary: Summary) -> list[str]:
    weeks = list(summary.weeks)
    return week_range(weeks[0], weeks[-1]) if weeks else []


def commits_per_week(summary: Summary, theme: Theme,
                     container: str = "chart-commits") -> str:
    """Commits per week as columns, lines changed per week as a line on its own axis."""
    weeks = _all_weeks(summary)
    empty = WeekTotals()
    commits = [[_milliseconds(w), summary.weeks.get(w, empty).commits] for w in weeks]
    lines = [[_milliseconds(w), summary.weeks.get(w, empty).lines_added
              + summary.weeks.get(w, empty).lines_removed] for w in weeks]
    axis_labels = {"style": {"color": theme.muted}}
    return _chart(container, "Commits and lines changed per week", theme, {
        "chart": {"type": "column"},
        "xAxis": _time_axis(WEEK_MS, 12, weeks[-1] if weeks else None),
        "yAxis": [
            {"title": {"text": "Commits", "style": {"color": theme.muted}},
             "allowDecimals": False, "minTickInterval": 1, "min": 0, "labels": axis_labels,
             "gridLineColor": theme.grid},
            {"title": {"text": "Lines changed", "style": {"color": theme.muted}},
             "opposite": True, "gridLineWidth": 0, "min": 0, "labels": axis_labels},
        ],
        "plotOptions": {"column": {"borderWidth": 0, "groupPadding": 0, "pointPadding": 0.05,
                                   "pointRange": WEEK_MS}},
        "series": [
            {"type": "column", "name": "Commits", "data": commits, "color": ACCENT},
            {"type": "line", "name": "Lines changed", "data": lines, "yAxis": 1,
             # Markers only where weeks are far apart, so a lone week still shows.
             "color": "#f59e0b", "lineWidth": 1, "marker": {"radius": 2}},
        ],
    })


def commit_types_per_week(summary: Summary, theme: Theme,
                          container: str = "chart-commit-types") -> str:
    """Conventional Commit types per week, stacked."""
    weeks = _all_weeks(summary)
    kinds = sorted(summary.kinds, key=lambda kind: -summary.kinds[kind])
    series = [
        {"type": "column", "name": kind, "color": KIND_COLORS.get(kind),
         "data": [[_milliseconds(week),
                   summary.weeks[week].kinds.get(kind, 0) if week in summary.weeks else 0]
                  for week in weeks]}
        for kind in kinds
    ]
    return _chart(container, "Commit types per week", theme, {
        "chart": {"type": "column"},
        "xAxis": _time_axis(WEEK_MS, 12, weeks[-1] if weeks else None),
        "yAxis": {"title": {"text": "Commits"}, "allowDecimals": False, "min": 0},
        "plotOptions": {"column": {"stacking": "normal", "borderWidth": 0, "groupPadding": 0,
                                   "pointRange": WEEK_MS}},
        "series": series,
    })


def _month_of_week(week: str) -> str:
    """The first day of the month that holds most of the week: its Thursday's,
    as ISO 8601 assigns weeks to years (lines are only kept per week)."""
    thursday = date.fromisoformat(week) + timedelta(days=3)
    return thursday.replace(day=1).isoformat()


def languages_over_time(summary: Summary, theme: Theme,
                        container: str = "chart-languages-time") -> str:
    """Lines added per month and language as stacked columns (areas would suggest
    work between the months that have it); small languages grouped together."""
    top = set(_top_languages(summary))
    months: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for week, totals in summary.weeks.items():
        month = _month_of_week(week)
        for name, language in totals.languages.items():
            months[month][name if name in top else OTHER_LANGUAGES] += language.lines_added
    ordered = sorted(months)
    series = [
        {"type": "column", "name": name, "color": language_color(name, theme),
         "data": [[_milliseconds(month), months[month].get(name, 0)] for month in ordered]}
        for name in [*_top_languages(summary), OTHER_LANGUAGES]
        if any(months[month].get(name) for month in ordered)
    ]
    return _chart(container, "Lines added per language, by month", theme, {
        "chart": {"type": "column"},
        "xAxis": _time_axis(MONTH_MS, 6, ordered[-1] if ordered else None),
        "yAxis": {"title": {"text": "Lines added"}, "min": 0},
        "plotOptions": {"column": {"stacking": "normal", "borderWidth": 0, "groupPadding": 0.05,
                                   "pointRange": MONTH_MS}},
        "series": series,
    })


def language_share(summary: Summary, theme: Theme,
                   container: str = "chart-language-share") -> str:
    """Share of changed lines (added + removed) per language."""
    ranked = summary.languages_by_lines()
    points = [{"name": name, "y": t.lines_changed, "color": language_color(name, theme)}
              for name, t in ranked[:TOP_LANGUAGES]]
    rest = sum(t.lines_changed for _, t in ranked[TOP_LANGUAGES:])
    if rest:
        points.append({"name": OTHER_LANGUAGES, "y": rest,
                       "color": language_color(OTHER_LANGUAGES, theme)})
    return _chart(container, "Language share (lines changed)", theme, {
        "chart": {"type": "pie"},
        "tooltip": {"pointFormat": "<b>{point.percentage:.1f}%</b> ({point.y:,.0f} lines)"},
        "plotOptions": {"pie": {
            "innerSize": "55%", "size": "80%", "borderWidth": 0,
            "dataLabels": {
                "enabled": True, "format": "{point.name} {point.percentage:.0f}%",
                # Slivers under 1% would only print "0%".
                "filter": {"property": "percentage", "operator": ">", "value": 1},
                "style": {"fontWeight": "500", "textOutline": "none", "color": theme.text},
            },
        }},
        "series": [{"type": "pie", "name": "Lines changed", "data": points}],
        # Narrow (the widget, a phone): the legend beside the ring leaves it room.
        "responsive": {"rules": [{"condition": {"maxWidth": 480}, "chartOptions": {
            "legend": {"layout": "vertical", "align": "right", "verticalAlign": "middle"},
            "plotOptions": {"pie": {"dataLabels": {"enabled": False}, "showInLegend": True,
                                    "size": "95%"}},
        }}]},
    })
