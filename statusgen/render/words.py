"""The site's language in its templates: gettext (``_()``, ``{% trans %}``: jinja2's i18n
extension, new style, so autoescaping holds inside translations) and the filters that word
the model's codes and values: statuses, stages, impacts, times, durations, numbers.

Both sites install the same words, so a label reads the same on the public page and the
internal one. Translations come from the catalogs in ``statusgen/locale``; see ``core/language``.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import lru_cache
from typing import Any

from statusgen.core.language import Language
from statusgen.core.status import IMPACT_LABEL, INDICATOR_TEXT, MAINTENANCE_TEXT, STAGE_LABEL, STATUS_LABEL


def _label(language: Language, table: dict[str, str], code: str) -> str:
    """The translated label of ``code``; a code the table does not know, as it is."""
    return language.gettext(table[code]) if code in table else code


def indicator_text(language: Language, indicator: str) -> str:
    """The overall status in words ("All Systems Operational"), for the page's banner."""
    return language.gettext(MAINTENANCE_TEXT if indicator == "maintenance" else INDICATOR_TEXT[indicator])


def filters(language: Language, zone: tzinfo) -> dict[str, Any]:
    """Every filter that turns a code or value into the site's words."""
    # the same instants on many pages: formatted once each
    moment = lru_cache(maxsize=1 << 16)(lambda value: language.moment(value, zone))
    return {
        "moment": moment,
        "utc": moment,  # its older name, kept for teams' overrides
        "clock": lambda value: language.clock(value, zone),
        "day": language.day,
        "duration": language.duration,
        "pct": lambda value, digits=2: language.percent(value, digits),
        "number": language.number,
        "join_words": language.join,
        "status_label": lambda code: _label(language, STATUS_LABEL, code),
        "stage_label": lambda code: _label(language, STAGE_LABEL, code),
        "impact_label": lambda code: _label(language, IMPACT_LABEL, code),
        "indicator_text": lambda code: indicator_text(language, code),
        # a message statusgen itself wrote (the automatic updates of a maintenance or notice)
        "own_words": language.gettext,
    }


def install(env: Any, language: Language, zone: tzinfo) -> None:
    """Give ``env`` (mkdocs' Jinja environment for this build) the site's language."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(language.translations, newstyle=True)
    env.filters.update(filters(language, zone))
    env.globals["sg_language"] = language
