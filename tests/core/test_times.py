"""Times are kept in UTC and shown in the page's zone, always with the zone named."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from statusgen.core.times import UTC, TimeError, human, human_long, load_zone, zone_label
from statusgen.views.status import window_days

WINTER = datetime(2026, 11, 22, 14, 20, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 14, 20, tzinfo=UTC)


def test_utc_stays_the_default_and_is_named():
    assert human(WINTER) == "14:20 UTC on 22 Nov"
    assert human_long(WINTER) == "22 Nov 2026, 14:20 UTC"


def test_a_zone_names_its_abbreviation_in_winter_and_in_summer():
    berlin = load_zone("Europe/Berlin")
    assert human(WINTER, zone=berlin) == "15:20 CET on 22 Nov"
    assert human_long(SUMMER, berlin) == "1 Jul 2026, 16:20 CEST"
    assert human(WINTER, zone=load_zone("Asia/Tokyo"), with_date=False) == "23:20 JST"


def test_a_zone_known_only_by_its_offset_says_utc_and_the_offset():
    assert zone_label(WINTER.astimezone(load_zone("Asia/Dubai"))) == "UTC+04"


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "", "Europe/", "UTC; rm -rf /"])
def test_a_name_that_is_no_zone_is_a_clear_error(name):
    with pytest.raises(TimeError, match="is not a time zone; expected an IANA name like Europe/Berlin"):
        load_zone(name)


def test_days_are_cut_at_midnight_in_the_page_zone():
    late_evening_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # already the 23rd in Berlin
    assert window_days(late_evening_utc, 2) == [late_evening_utc.date() - timedelta(days=1), late_evening_utc.date()]
    berlin = window_days(late_evening_utc, 2, load_zone("Europe/Berlin"))
    assert [d.day for d in berlin] == [22, 23]
