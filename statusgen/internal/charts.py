"""Inline SVG charts made at build time: readable without JavaScript, no external assets."""

from __future__ import annotations

from datetime import date
from html import escape

from statusgen.core.language import CLOSE, ENGLISH, OPEN, Language

SEVERITY_COLOURS = ("#b71c1c", "#e65100", "#f9a825", "#607d8b", "#9e9e9e")
# A month under a bar: English keeps its house form ("Nov 26"); other languages CLDR's short
# month and year ("Nov. 2026", "2026年11月").
SHORT_MONTH_PATTERNS = {"en": "MMM yy"}


def _month(key: str, skeleton: str, language: Language) -> str:
    """The month ``YYYY-MM`` in the language's form for ``skeleton`` (CLDR: ``yMMMM``, ``yyMMM``)."""
    from babel.dates import format_date, format_skeleton

    year, month = key.split("-")
    first = date(int(year), int(month), 1)
    pattern = SHORT_MONTH_PATTERNS.get(language.locale.language) if skeleton == "yyMMM" else None
    if pattern:
        text = format_date(first, pattern, locale=language.locale)
    else:
        text = format_skeleton(skeleton, first, locale=language.locale)
    # A month is a date: the pseudo-locale marks it as it marks those (core/language.py).
    return f"{OPEN}{text}{CLOSE}" if language.pseudo else text


def month_label(key: str, language: Language = ENGLISH) -> str:
    """``2026-11`` -> ``November 2026`` (``novembre 2026``, ``2026年11月``)."""
    return _month(key, "yMMMM", language)


def severity_chart(
    per_month: list[tuple[str, dict[str, int]]], severities: list[str], language: Language = ENGLISH
) -> str:
    """A stacked bar chart of incidents per month by severity, as one raw-HTML block.

    No blank lines inside, so markdown passes it through untouched.
    """
    _, number = language.gettext, language.number
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
    # Translators: one month in the chart's description for screen readers: "November 2026: 3".
    month_total = _("%(month)s: %(count)s")
    summary = language.series(
        month_total % {"month": month_label(key, language), "count": number(total)}
        for (key, _counts), total in zip(per_month, totals)
    )
    # Translators: the chart's description for screen readers; then each month with its count.
    title = _("Incidents per month by severity. %(months)s") % {"months": summary}
    parts = [
        f'<div class="sg-chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="sg-chart-title">',
        f'<title id="sg-chart-title">{escape(title)}</title>',
    ]
    for value in range(0, scale_max + 1, step):
        y = top + plot_h - plot_h * value / scale_max
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#8888" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(number(value))}</text>'
        )
    # Translators: one part of a bar in the chart: the month, then how many incidents of one severity.
    bar_part = _("%(month)s: %(count)s %(severity)s")
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
            text = bar_part % {"month": month_label(key, language), "count": number(count), "severity": severity}
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(text)}</title></rect>"
            )
        total = sum(counts.values())
        if total:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{escape(number(total))}</text>'
            )
        label = escape(_month(key, "yyMMM", language))
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
