"""Inline SVG charts made at build time: readable without JavaScript, no external assets."""

from __future__ import annotations

import calendar
from html import escape

SEVERITY_COLOURS = ("#b71c1c", "#e65100", "#f9a825", "#607d8b", "#9e9e9e")


def month_label(key: str) -> str:
    """``2026-11`` -> ``November 2026``."""
    year, month = key.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def severity_chart(per_month: list[tuple[str, dict[str, int]]], severities: list[str]) -> str:
    """A stacked bar chart of incidents per month by severity, as one raw-HTML block.

    No blank lines inside, so markdown passes it through untouched.
    """
    width, height = 720, 260
    left, right, top, bottom = 36, 12, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts.values()) for _, counts in per_month]
    peak = max(totals, default=0)
    scale_max = max(peak, 1)
    step = max(1, -(-scale_max // 5))  # about five gridlines
    scale_max = step * -(-scale_max // step)
    n = max(len(per_month), 1)
    slot = plot_w / n
    bar = slot * 0.6
    summary = ", ".join(f"{month_label(k)}: {t}" for (k, _), t in zip(per_month, totals))
    parts = [
        f'<div class="sg-chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="sg-chart-title">',
        f'<title id="sg-chart-title">Incidents per month by severity. {escape(summary)}</title>',
    ]
    for value in range(0, scale_max + 1, step):
        y = top + plot_h - plot_h * value / scale_max
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#8888" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for index, (key, counts) in enumerate(per_month):
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        for sev_index, severity in enumerate(severities):
            count = counts.get(severity, 0)
            if not count:
                continue
            h = plot_h * count / scale_max
            y -= h
            colour = SEVERITY_COLOURS[min(sev_index, len(SEVERITY_COLOURS) - 1)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{month_label(key)}: {count} {escape(severity)}</title></rect>"
            )
        total = sum(counts.values())
        if total:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{total}</text>')
        label = f"{calendar.month_abbr[int(key[5:])]} {key[2:4]}"
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{label}</text>')
    x = left
    for sev_index, severity in enumerate(severities):
        colour = SEVERITY_COLOURS[min(sev_index, len(SEVERITY_COLOURS) - 1)]
        parts.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="18">{escape(severity)}</text>'
        )
        x += 70
    parts.append("</svg></div>")
    return "\n".join(parts)
