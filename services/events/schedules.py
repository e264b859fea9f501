"""Schedule expressions as AWS accepts them, and when a scheduled rule fires next.

`rate(value unit)`: a positive whole number and minute(s), hour(s) or day(s), the unit
singular for 1 and plural otherwise. `cron(minutes hours day-of-month month day-of-week
year)`: six fields in UTC, one of day-of-month and day-of-week a `?`.

Time is scaled as the lifecycles' (services.core.lifecycle.duration): with
STRATOLAB_TIME_SCALE 0.1 a `rate(10 minutes)` rule fires every minute, and a cron rule
fires after a tenth of the wait to its next wall-clock time.
STRATOLAB_LIFECYCLE_SECONDS["events.schedule"] replaces every schedule's period (a lab
that wants its hourly rule to fire every few seconds)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from services.core import lifecycle
from services.events import errors

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\(([^()]*)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())
}
_DAYS = {d: i + 1 for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split())}


def invalid() -> errors.ValidationException:
    return errors.ValidationException("Parameter ScheduleExpression is not valid.")


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # day of month; None: "?"
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1 = Sunday; None: "?"
    years: frozenset[int]
    last_day: bool = False  # "L" in day-of-month

    def day_matches(self, day: dt.date) -> bool:
        if day.month not in self.months or day.year not in self.years:
            return False
        if self.days is not None or self.last_day:
            nxt = day + dt.timedelta(days=1)
            return (self.last_day and nxt.month != day.month) or (
                self.days is not None and day.day in self.days
            )
        weekday = (day.isoweekday() % 7) + 1  # Sunday 1 ... Saturday 7
        return self.weekdays is not None and weekday in self.weekdays


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, _, step_text = part.partition("/")
            if not step_text.isdigit() or int(step_text) < 1:
                raise invalid()
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, _, last = part.partition("-")
            start, end = _value(first, names), _value(last, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise invalid()
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise invalid()
    return int(text)


def parse_cron(body: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise invalid()
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise invalid()  # exactly one of the two day fields is "?"
    last_day = dom == "L"
    days = None if dom in ("?", "L") else _field(dom.replace("W", ""), 1, 31)
    weekdays = None
    if dow != "?":
        if "#" in dow:
            weekday, _, nth = dow.partition("#")
            if not nth.isdigit() or not 1 <= int(nth) <= 5:
                raise invalid()
            weekdays = frozenset({_value(weekday, _DAYS)})
        else:
            weekdays = _field(dow.replace("L", ""), 1, 7, _DAYS)
    return Cron(
        minutes=_field(minutes, 0, 59),
        hours=_field(hours, 0, 23),
        days=days,
        months=_field(month, 1, 12, _MONTHS),
        weekdays=weekdays,
        years=_field(year, 1970, 2199),
        last_day=last_day,
    )


def validate(expression: str) -> None:
    """Raise AWS's ValidationException unless `expression` is a valid rate() or cron()."""
    parse(expression)


def parse(expression: str) -> int | Cron:
    """A rate's period in seconds, or the parsed cron expression."""
    if m := _RATE.match(expression):
        value, unit = int(m.group(1)), m.group(2)
        if value < 1 or (value == 1) == unit.endswith("s"):
            raise invalid()
        return value * _UNIT_SECONDS[unit.rstrip("s")]
    if m := _CRON.match(expression):
        return parse_cron(m.group(1))
    raise invalid()


def next_cron(cron: Cron, after: dt.datetime) -> dt.datetime | None:
    """The first minute after `after` (UTC) that `cron` names; None if none is left."""
    start = (after + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    day = start.date()
    for _ in range(366 * 5):
        if day.year > max(cron.years):
            return None
        if cron.day_matches(day):
            for hour in sorted(cron.hours):
                for minute in sorted(cron.minutes):
                    at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)
                    if at >= start:
                        return at
        day += dt.timedelta(days=1)
    return None


def next_fire(expression: str, now: dt.datetime) -> dt.datetime | None:
    """When a rule with this schedule, enabled or last fired at `now`, fires next."""
    parsed = parse(expression)
    if isinstance(parsed, int):
        return now + lifecycle.duration("events.schedule", parsed)
    wall = next_cron(parsed, now.astimezone(dt.UTC))
    if wall is None:
        return None
    wait = (wall - now).total_seconds()
    return now + lifecycle.duration("events.schedule", wait)
