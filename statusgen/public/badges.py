"""SVG status badges and shields.io endpoint JSON beside each, in the site's language (the
JSON's keys are shields.io's)."""

from __future__ import annotations

import json
from html import escape
from unicodedata import east_asian_width

from statusgen.core.language import ENGLISH, N_, Language
from statusgen.core.status import STATUS_WORDS
from statusgen.views.public import PublicStatus

# The overall status on a badge, in lower case as badges write it.
# Translators: the overall status on a small status badge, after "status".
OVERALL_WORDS = {
    "none": N_("all systems operational"),
    "minor": N_("minor service outage"),
    "major": N_("partial system outage"),
    "critical": N_("major system outage"),
    "maintenance": N_("service under maintenance"),
}

# shields.io colour names and the hex we draw them with
STATUS_COLOR = {
    "operational": "brightgreen",
    "under_maintenance": "blue",
    "degraded_performance": "yellow",
    "partial_outage": "orange",
    "major_outage": "red",
}
LEVEL_COLOR = {
    "operational": "brightgreen",
    "maintenance": "blue",
    "minor": "yellow",
    "major": "orange",
    "critical": "red",
}
HEX = {"brightgreen": "#2e7d32", "blue": "#1565c0", "yellow": "#8a6d00", "orange": "#c25100", "red": "#c62828"}
LABEL_BG = "#444d56"


def _width(text: str) -> int:
    """Rough text width in px for 11px Verdana-like text (no font metrics: deterministic);
    a full-width character (Japanese, say) is as wide as the font is high."""
    narrow, wide = set("iljtf.,:;!|' "), set("mwMW@%")

    def width(ch: str) -> float:
        if ch in narrow:
            return 3.5
        if ch in wide:
            return 9.5
        return 11.0 if east_asian_width(ch) in ("W", "F") else 6.8

    return int(sum(width(ch) for ch in text)) + 10


def svg(label: str, message: str, color: str) -> str:
    """A flat two-part badge with an accessible name."""
    lw, mw = _width(label), _width(message)
    total = lw + mw
    name = escape(f"{label}: {message}")
    label_e, message_e = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{name}">'
        f"<title>{name}</title>"
        f'<rect width="{lw}" height="20" fill="{LABEL_BG}"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="{HEX[color]}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{lw / 2:g}" y="14">{label_e}</text>'
        f'<text x="{lw + mw / 2:g}" y="14">{message_e}</text>'
        "</g></svg>\n"
    )


def endpoint(label: str, message: str, color: str) -> str:
    return json.dumps({"schemaVersion": 1, "label": label, "message": message, "color": color}, sort_keys=True) + "\n"


def all_badges(status: PublicStatus, language: Language = ENGLISH) -> dict[str, str]:
    """Site path -> text: ``badges/status.svg``, ``badges/<component>.svg`` and their ``.json``."""
    files = {}
    color = LEVEL_COLOR[status.overall.level]
    message = language.gettext(OVERALL_WORDS[status.overall.indicator])
    # Translators: the left half of the site's status badge ("status | all systems operational").
    label = language.gettext("status")
    files["badges/status.svg"] = svg(label, message, color)
    files["badges/status.json"] = endpoint(label, message, color)
    for component in status.components:
        message = language.gettext(STATUS_WORDS[component.status])
        color = STATUS_COLOR[component.status]
        files[f"badges/{component.id}.svg"] = svg(component.name, message, color)
        files[f"badges/{component.id}.json"] = endpoint(component.name, message, color)
    return files
