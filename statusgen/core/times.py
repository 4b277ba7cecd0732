"""Parsing and printing times. Every time in statusgen is timezone-aware and kept in UTC; it is
printed in the page's zone (the ``timezone`` option, UTC unless set), always with the zone named."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

UTC = timezone.utc
# Times outside these years are typing mistakes (or attacks on date arithmetic): near the ends
# of datetime's range, converting to UTC or adding a day overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
RANGE_TEXT = "expected a time between 1970 and 2199"


class TimeError(ValueError):
    """A time string that is not a timezone-aware ISO 8601 time."""


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time with an explicit zone and return it in UTC.

    Raises TimeError for a naive time (no zone) or text that is not a time.
    """
    text = str(text).strip()
    try:
        # Python 3.10's fromisoformat does not know the Z suffix; spell it as an offset.
        value = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text))
    except ValueError:
        raise TimeError(f"'{text}' is not a time; expected ISO 8601 with a zone, like 2026-11-22T14:20:00Z") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise TimeError(f"time '{text}' has no timezone; write it in UTC with a Z, like {value:%Y-%m-%dT%H:%M:%S}Z")
    return in_range(value, text)


def in_range(value: datetime, shown: str | None = None) -> datetime:
    """``value`` in UTC, or TimeError when it lies outside 1970-2199."""
    if not EARLIEST.year - 1 <= value.year <= LATEST.year:
        raise TimeError(f"time '{shown or value.isoformat()}' is out of range; {RANGE_TEXT}")
    value = value.astimezone(UTC)
    if not EARLIEST <= value < LATEST:
        raise TimeError(f"time '{shown or value.isoformat()}' is out of range; {RANGE_TEXT}")
    return value


def parse_date(text: str) -> date:
    text = str(text).strip()
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise TimeError(f"'{text}' is not a date; expected YYYY-MM-DD") from None
    if not EARLIEST.date() <= value < LATEST.date():
        raise TimeError(f"date '{text}' is out of range; expected a date between 1970 and 2199")
    return value


def iso(value: datetime) -> str:
    """``2026-11-22T14:20:00Z``: the form statusgen writes to files and APIs."""
    value = value.astimezone(UTC)
    if value.microsecond:
        value = value.replace(microsecond=0)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=64)
def load_zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` (``Europe/Berlin``); UTC for ``UTC``. TimeError when the
    name is not a zone this machine's zone database knows."""
    if name in ("UTC", "Etc/UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}", name):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeError(f"'{name}' is not a time zone; expected an IANA name like Europe/Berlin or UTC") from None


def zone_label(value: datetime) -> str:
    """The name of ``value``'s zone at that instant: ``UTC``, ``CET``, ``CEST``, ``JST``; a zone
    known only by its offset reads ``UTC+04``."""
    name = value.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def zone_text(name: str, zone: tzinfo, year: int) -> str:
    """A zone for people: ``UTC``, or ``Europe/Berlin time (CET/CEST)`` with the names its
    clocks take in ``year``."""
    if zone is UTC:
        return "UTC"
    names = dict.fromkeys(zone_label(datetime(year, month, 1, 12, tzinfo=UTC).astimezone(zone)) for month in (1, 7))
    return f"{name} time ({'/'.join(names)})"


def human(value: datetime, *, with_date: bool = True, zone: tzinfo = UTC) -> str:
    """``14:20 UTC on 22 Nov``: the form used in messages to customers, in ``zone``."""
    value = value.astimezone(zone)
    clock = f"{value:%H:%M} {zone_label(value)}"
    return f"{clock} on {value.day} {value:%b}" if with_date else clock


def human_long(value: datetime, zone: tzinfo = UTC) -> str:
    """``22 Nov 2026, 14:20 UTC``: the form used on pages and in the terminal, in ``zone``."""
    value = value.astimezone(zone)
    return f"{value.day} {value:%b %Y}, {value:%H:%M} {zone_label(value)}"


def duration(delta: timedelta) -> str:
    """``1 h 25 min``, ``3 d 2 h``, ``40 min``, ``under a minute``."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def now_from(value: str | None = None, environ: Mapping[str, str] = os.environ) -> datetime:
    """The one "now" of a run: ``--now ISO``, else ``SOURCE_DATE_EPOCH``, else the clock."""
    if value:
        return parse_time(value)
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise TimeError(f"SOURCE_DATE_EPOCH='{epoch}' is not a whole number of seconds") from None
        if not EARLIEST.timestamp() <= seconds < LATEST.timestamp():
            raise TimeError(f"SOURCE_DATE_EPOCH={seconds} is out of range; {RANGE_TEXT}")
        return datetime.fromtimestamp(seconds, UTC)
    return datetime.now(UTC).replace(microsecond=0)
