"""What the metrics page shows, in the site's language: the response times with their
definitions, incidents per month (a chart and a table), the action items' completion rate and
each component's error budget, rolling and per month."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from markupsafe import Markup

from statusgen.core.language import Language
from statusgen.core.model import Config
from statusgen.internal.charts import month_label, severity_chart
from statusgen.views import metrics as m
from statusgen.views.internal import budget_rows, month_span, stat_text


def completion_rate(rate: float | None, digits: int, language: Language) -> str:
    """The action items' completion rate as a percentage, or "n/a" when nothing counts yet."""
    # Translators: in place of a completion rate when there are no action items to count.
    return language.gettext("n/a") if rate is None else language.percent(rate * 100, digits)


def metrics_view(
    mx: m.Metrics, config: Config, names: Mapping[str, str], now: datetime, when: Callable[[datetime], str]
) -> dict:
    """The metrics page's context: ``mx`` (views/metrics.py) as of ``now`` in the site's words."""
    zone, language = config.zone, config.lang
    _ = language.gettext
    this_month = m.month_key(now, zone)
    severities = [s.id for s in config.severities]
    completion = mx.completion

    def stats_rows(groups: dict) -> list:
        return [(name, [stat_text(values[k], language) for k in m.METRICS]) for name, values in groups.items()]

    return {
        "now": now,
        "mx": mx,
        "definitions": [(_(m.LABELS[k]), _(m.DEFINITIONS[k])) for k in m.METRICS],
        "short_labels": [_(m.SHORT_LABELS[k]) for k in m.METRICS],
        # Translators: the row of the response times table that counts every incident.
        "overall": stats_rows({_("All"): mx.overall}),
        "by_severity": stats_rows(mx.by_severity),
        "by_component": stats_rows({names.get(k, k): v for k, v in mx.by_component.items()}),
        # Made by our own code from numbers and escaped text (charts.py): markup, not text.
        "chart": Markup(severity_chart(mx.per_month, severities, language)),
        "severities": severities,
        "per_month": [
            (month_label(key, language), [counts[s] for s in severities], sum(counts.values()))
            for key, counts in mx.per_month
        ],
        "rate": completion_rate(completion.rate, 1, language),
        "completion": completion,
        # The configured weight table in words (the public uptime uses the same one).
        "weights": m.budget_explanation(mx.weights, language),
        "rolling_from": when(now - timedelta(days=mx.rolling_days)),
        "rolling": budget_rows(mx.rolling, language),
        "monthly": [
            (
                month_label(key, language),
                key == this_month,
                budget_rows(rows, language),
                month_span(key, now, zone, language),
            )
            for key, rows in reversed(mx.monthly)
        ],  # fmt: skip
    }
