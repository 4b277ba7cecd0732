"""The language a site is written in: its translated words (gettext catalogs shipped in
``statusgen/locale/``) and its dates, times, durations and numbers (Babel, from CLDR).

English is the source language: its words are the message ids themselves. The pseudo-locale
``qps-ploc`` wraps every translated word, date and number in ``⟦…⟧``, so a test can find text
that reaches a page without passing through here. The command line and the Statuspage API stay
English; everything a reader of the two sites sees goes through a ``Language``.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from io import BytesIO
from typing import TYPE_CHECKING

from statusgen.core.times import UTC, zone_label

if TYPE_CHECKING:
    from babel import Locale

SOURCE = "en"
PSEUDO = "qps-ploc"
# The languages statusgen ships a catalog for (and English, its source).
SHIPPED = ("en", "de", "fr", "es", "ja", "pt_BR", "ar")
DOMAIN = "statusgen"
OPEN, CLOSE = "⟦", "⟧"
# Dates on pages in English keep the house form ("22 Nov 2026"); other languages take CLDR's
# medium date of their own (``yMMMd``: "22. Nov. 2026", "2026年11月22日").
DATE_PATTERNS = {"en": "d MMM y"}
UNITS = (("day", 24 * 60), ("hour", 60), ("minute", 1))


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs where it is defined; it is translated where it is shown."""
    return message


def language_code(text: str) -> str | None:
    """The shipped language ``text`` names (``de``, ``pt-BR``, ``pt_BR``, ``de-AT`` → ``de``),
    ``qps-ploc`` for the pseudo-locale, None for a language statusgen has no catalog for."""
    text = str(text).strip()
    if text.lower() == PSEUDO:
        return PSEUDO
    parts = re.split(r"[-_]", text)
    if not parts[0].isalpha():
        return None
    whole = "_".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    for candidate in (whole, parts[0].lower()):
        if candidate in SHIPPED:
            return candidate
    return None


class _Pseudo(gettext.NullTranslations):
    """Every message wrapped in markers: text that reaches a page unwrapped was never translated."""

    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


@lru_cache(maxsize=16)
def _translations(code: str) -> gettext.NullTranslations:
    if code == PSEUDO:
        return _Pseudo()
    if code == SOURCE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    # The catalogs ship as .po text (what translators edit, what the completeness test reads);
    # compiled here, once per process, so there is no compiled copy to fall out of date.
    source = resources.files("statusgen") / "locale" / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Language:
    """A shipped language (``load_language``): its words and its forms of dates and numbers."""

    code: str  # de, pt_BR, qps-ploc
    translations: gettext.NullTranslations

    @property
    def pseudo(self) -> bool:
        return self.code == PSEUDO

    @cached_property
    def locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(SOURCE if self.pseudo else self.code)

    @property
    def tag(self) -> str:
        """The BCP 47 tag for ``lang`` attributes, feeds and calendars: ``pt-BR``."""
        return self.code.replace("_", "-")

    @property
    def direction(self) -> str:
        """``rtl`` for a language written right to left, else ``ltr``."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def _wrap(self, text: str) -> str:
        return f"{OPEN}{text}{CLOSE}" if self.pseudo else text

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def moment(self, value: datetime, zone: tzinfo = UTC) -> str:
        """A date and time with its zone named: ``22 Nov 2026, 14:20 UTC``, ``22.11.2026, 15:20 CET``."""
        value = value.astimezone(zone)
        clock = f"{_hours_minutes(value)} {zone_label(value)}"
        return self._wrap(self._date_time.format(clock, self._date_text(value.date())))

    def clock(self, value: datetime, zone: tzinfo = UTC, *, named: bool = True) -> str:
        """A time of day with its zone: ``14:20 UTC`` (``14:20`` when not ``named``)."""
        value = value.astimezone(zone)
        text = _hours_minutes(value)
        return self._wrap(f"{text} {zone_label(value)}" if named else text)

    def short_day(self, value: datetime) -> str:
        """The day of ``value`` (in its own zone) without the year: ``22 Nov``, ``22. Nov.``."""
        from babel.dates import format_datetime

        pattern = "d MMM" if self.code == SOURCE or self.pseudo else str(self.locale.datetime_skeletons["MMMd"])
        return self._wrap(format_datetime(value, pattern, tzinfo=value.tzinfo, locale=self.locale))

    def day(self, value: date) -> str:
        """A date: ``22 Nov 2026``."""
        return self._wrap(self._date_text(value))

    def _date_text(self, value: date) -> str:
        """``value`` in the language's date pattern, kept: a build prints the same days many times."""
        text = self._dates.get(value)
        if text is None:
            from babel.dates import format_date

            text = self._dates[value] = format_date(value, self._date_pattern, locale=self.locale)
        return text

    @cached_property
    def _dates(self) -> dict[date, str]:
        return {}

    @cached_property
    def _date_time(self) -> str:
        """How the language puts a date ({1}) and a time ({0}) together."""
        return str(self.locale.datetime_formats["medium"])

    @cached_property
    def _date_pattern(self) -> str:
        code = SOURCE if self.pseudo else self.code
        return DATE_PATTERNS.get(code) or str(self.locale.datetime_skeletons["yMMMd"])

    def duration(self, delta: timedelta) -> str:
        """``1 h 25 min``; in other languages CLDR's short units joined as lists of units are."""
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return self.gettext("under a minute")
        if self.code in (SOURCE, PSEUDO):
            from statusgen.core.times import duration

            return self._wrap(duration(delta))
        from babel.lists import format_list
        from babel.units import format_unit

        # The two largest units, as the English form: days and hours, or hours and minutes.
        counts = []
        for unit, size in UNITS:
            count, minutes = divmod(minutes, size)
            counts.append((unit, count))
        first = next(i for i, (_, count) in enumerate(counts) if count)
        parts = [
            format_unit(count, f"duration-{unit}", length="short", locale=self.locale)
            for unit, count in counts[first : first + 2]
            if count
        ]
        # the "standard" list: CLDR's unit lists are incomplete for some languages in Babel
        return format_list(parts, locale=self.locale)

    def percent(self, value: float | Decimal, digits: int = 2) -> str:
        """A percentage (``value`` out of 100) in the language's form: ``99.95%``, ``99,95 %``."""
        from babel.numbers import format_percent

        pattern = str(self.locale.percent_formats[None].pattern)
        if digits:  # the language's own pattern ("#,##0\u00a0%") with the digits asked for
            pattern = re.sub(r"0(?![0-9#,.])", "0." + "0" * digits, pattern, count=1)
        return self._wrap(format_percent(Decimal(str(value)) / 100, pattern, locale=self.locale))

    def number(self, value: int | float | Decimal) -> str:
        from babel.numbers import format_decimal

        return self._wrap(format_decimal(value, locale=self.locale))

    def series(self, items: Iterable[str]) -> str:
        """``A, B, C``: items that count alike (a table cell, a chart's months), no "and"."""
        # Translators: what separates the items of a plain list ("Public API, Checkout"), with
        # its space if the language puts one: ", " (Japanese "、", Arabic "، ").
        return self.gettext(", ").join(items)

    def join(self, items: list[str] | tuple[str, ...]) -> str:
        """``A, B and C`` in the language's words."""
        from babel.lists import format_list

        return self._wrap(format_list(list(items), locale=self.locale)) if items else ""


def _hours_minutes(value: datetime) -> str:
    """``14:20``: Babel's ``HH:mm``, which writes Western digits in every language."""
    return f"{value.hour:02d}:{value.minute:02d}"


@lru_cache(maxsize=16)
def load_language(code: str) -> Language:
    """The language ``code`` (one of SHIPPED, or PSEUDO); other codes are refused by the config
    reader before they get here."""
    return Language(code, _translations(code))


ENGLISH = Language(SOURCE, gettext.NullTranslations())
