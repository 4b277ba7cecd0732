"""A Language words dates, durations and numbers through Babel in its own forms, keeps English
as it always read, and the pseudo-locale wraps everything it words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from statusgen.core.language import ENGLISH, PSEUDO, SHIPPED, language_code, load_language
from statusgen.core.times import load_zone, zone_label

AT = datetime(2026, 11, 22, 14, 20, tzinfo=timezone.utc)


def test_english_keeps_the_house_forms():
    assert ENGLISH.moment(AT) == "22 Nov 2026, 14:20 UTC"
    assert ENGLISH.moment(AT, load_zone("Europe/Berlin")) == "22 Nov 2026, 15:20 CET"
    assert ENGLISH.day(date(2026, 11, 22)) == "22 Nov 2026"
    assert ENGLISH.duration(timedelta(hours=1, minutes=25)) == "1 h 25 min"
    assert ENGLISH.duration(timedelta(seconds=20)) == "under a minute"
    assert ENGLISH.percent(99.95) == "99.95%"
    assert ENGLISH.tag == "en" and ENGLISH.direction == "ltr"


@pytest.mark.parametrize(
    ("code", "moment", "percent", "duration"),
    [
        ("de", "22. Nov. 2026, 15:20 CET", "99,95\u00a0%", "1 Std. und 25 Min."),
        ("fr", "22 nov. 2026, 15:20 CET", "99,95\u00a0%", "1\u202fh et 25\u00a0min"),
        ("es", "22 nov 2026, 15:20 CET", "99,95\u00a0%", "1 h y 25 min"),
        ("ja", "2026年11月22日 15:20 CET", "99.95%", "1 時間、25 分"),
        ("pt_BR", "22 de nov. de 2026 15:20 CET", "99,95%", "1 h e 25 min"),
    ],
)
def test_other_languages_take_their_own_forms(code, moment, percent, duration):
    language = load_language(code)
    assert language.moment(AT, load_zone("Europe/Berlin")) == moment
    assert language.percent(99.95) == percent
    assert language.duration(timedelta(hours=1, minutes=25)) == duration


def test_a_duration_names_its_two_largest_units():
    german = load_language("de")
    assert german.duration(timedelta(days=3, hours=2, minutes=5)) == "3 Tg. und 2 Std."
    assert german.duration(timedelta(days=3, minutes=5)) == "3 Tg."


def test_arabic_is_written_right_to_left():
    arabic = load_language("ar")
    assert arabic.direction == "rtl"
    assert load_language("he" if language_code("he") else "de").direction == "ltr"


def test_the_pseudo_locale_wraps_what_it_words():
    pseudo = load_language(PSEUDO)
    assert pseudo.gettext("Operational") == "⟦Operational⟧"
    assert pseudo.ngettext("%(n)s day", "%(n)s days", 2) == "⟦%(n)s days⟧"
    assert pseudo.moment(AT) == "⟦22 Nov 2026, 14:20 UTC⟧"
    assert pseudo.percent(50, 0) == "⟦50%⟧"
    assert pseudo.join(["A", "B"]) == "⟦A and B⟧"


@pytest.mark.parametrize(
    ("text", "code"),
    [("de", "de"), ("de-AT", "de"), ("pt-BR", "pt_BR"), ("pt_br", "pt_BR"), ("PT-BR", "pt_BR"),
     ("ja", "ja"), ("it", None), ("zh-Hans", None), ("", None), ("../de", None), ("qps-ploc", PSEUDO)],
)  # fmt: skip
def test_language_codes_name_a_shipped_catalog_or_nothing(text, code):
    assert language_code(text) == code


@pytest.mark.parametrize("code", SHIPPED)
def test_times_and_days_are_babels_forms_in_every_language(code):
    """moment, clock and day keep their dates and skip Babel for the time of day: the text must
    stay what Babel writes for the same pattern, in every zone and on every day."""
    from babel.dates import format_date, format_datetime

    language = load_language(code)
    start = datetime(2026, 3, 28, 22, 7, tzinfo=timezone.utc)  # across a change of summer time
    for zone in (timezone.utc, ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/St_Johns")):
        for hours in range(0, 60, 7):
            value = start + timedelta(hours=hours, minutes=hours * 13)
            local = value.astimezone(zone)
            day = format_datetime(local, language._date_pattern, tzinfo=zone, locale=language.locale)
            clock = format_datetime(local, "HH:mm", tzinfo=zone, locale=language.locale)
            named = f"{clock} {zone_label(local)}"
            assert language.moment(value, zone) == language.locale.datetime_formats["medium"].format(named, day)
            assert language.clock(value, zone) == named and language.clock(value, zone, named=False) == clock
            assert language.day(local.date()) == format_date(
                local.date(), language._date_pattern, locale=language.locale
            )
