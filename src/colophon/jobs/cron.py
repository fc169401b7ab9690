"""Cron expressions and zones behind one door: validation, normalisation, slots (library-jobs §5).

One parser (cronsim, Debian-cron semantics) serves validation, the preview and the scheduler,
so a preview can never disagree with what fires. Our own tokenizer runs first only to word
the errors of CRON-5 and to refuse syntax cronsim would accept but the spec does not (CRON-4).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cronsim import CronSim, CronSimError

MAX_EXPRESSION_CHARS = 120
FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
}
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# Quartz-style last-day and nearest-weekday tokens (`L`, `5L`, `LW`, `15W`): CRON-4.
_LAST_OR_WEEKDAY = re.compile(r"^(\d*L|L?W|\d+W)$")
_NUMBER = re.compile(r"^\d+$")
# Slot search limits: a valid expression always has a slot within cronsim's 50 years; a DST
# fold can shift a fixed-time slot by at most the zone's offset change, well under a day.
_DST_MARGIN = timedelta(days=1)


class CronError(ValueError):
    """An expression cronsim or the spec refuses; ``detail`` follows `invalid cron expression: `."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TimezoneError(ValueError):
    """A name outside ``zoneinfo.available_timezones()``."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True, slots=True)
class CronExpression:
    """The stored form (as typed, normalised, CRON-6) and the 5 fields cronsim evaluates."""

    stored: str
    fields: str


def parse_cron(raw: str) -> CronExpression:
    """Normalise and check ``raw``; raise CronError with the CRON-5 detail."""
    text = " ".join(raw.split())
    if not text:
        raise CronError("expression is empty")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise CronError(f"expression is longer than {MAX_EXPRESSION_CHARS} characters")
    if text.startswith("@"):
        macro = text.lower()
        if macro not in MACROS:
            raise CronError(f"unknown macro '{text}'")
        return CronExpression(macro, MACROS[macro])
    parts = text.split(" ")
    if len(parts) == 6:
        if parts[0] != "0":
            raise CronError(f"seconds field must be 0, got '{parts[0]}'")
        parts = parts[1:]
    if len(parts) != 5:
        raise CronError(f"expected 5 fields, got {len(parts)}")
    for index, part in enumerate(parts):
        _check_field(index, part)
    fields = " ".join(parts)
    _check_with_cronsim(fields)
    return CronExpression(fields, fields)


def _check_field(index: int, text: str) -> None:
    name = FIELD_NAMES[index]
    for term in text.split(","):
        base, slash, step = term.partition("/")
        if slash:
            _check_token(name, step, text, allowed=_NUMBER.match(step) is not None)
        atoms = base.split("-")
        if len(atoms) > 2:
            raise CronError(f"bad {name} field '{text}'")
        for atom in atoms:
            _check_token(name, atom, text, allowed=_is_atom(index, atom, whole=base))


def _is_atom(index: int, atom: str, *, whole: str) -> bool:
    if atom == "*":
        return whole == "*"
    if _NUMBER.match(atom):
        low, high = _RANGES[index]
        return low <= int(atom) <= high
    upper = atom.upper()
    return (index == 3 and upper in _MONTH_NAMES) or (index == 4 and upper in _DAY_NAMES)


def _check_token(name: str, token: str, text: str, *, allowed: bool) -> None:
    if allowed:
        return
    upper = token.upper()
    unsupported = next((c for c in "#?" if c in upper), None)
    if unsupported is None and _LAST_OR_WEEKDAY.match(upper):
        unsupported = "L" if "L" in upper else "W"
    if unsupported is not None:
        raise CronError(f"unsupported syntax '{unsupported}' in {name} field")
    raise CronError(f"bad {name} field '{text}'")


def _check_with_cronsim(fields: str) -> None:
    """Impossible dates (`0 4 31 2 *`) and anything else cronsim refuses."""
    try:
        iterator = CronSim(fields, datetime(2000, 1, 1, tzinfo=UTC))
        next(iterator)
    except CronSimError as exc:
        raise CronError(_cronsim_detail(str(exc), fields)) from exc
    except StopIteration as exc:
        raise CronError(f"bad day-of-month field '{fields.split(' ')[2]}'") from exc


def _cronsim_detail(message: str, fields: str) -> str:
    parts = fields.split(" ")
    for index, name in enumerate(FIELD_NAMES):
        if message.lower().endswith(name):
            return f"bad {name} field '{parts[index]}'"
    return message


def is_fixed_time(fields: str) -> bool:
    """Neither minute nor hour holds `*` (§5.4): DST folds use Debian's fixed-time rules."""
    minute, hour = fields.split(" ")[:2]
    return "*" not in minute and "*" not in hour


@lru_cache(maxsize=1024)
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone ``name``; raise TimezoneError when it is not an available zone (CRON-7)."""
    if name not in _available_zones():
        raise TimezoneError(name)
    return zoneinfo.ZoneInfo(name)


@lru_cache(maxsize=1)
def _available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed expression in one zone; every instant in and out is aware UTC."""

    expression: CronExpression
    tz: zoneinfo.ZoneInfo

    @classmethod
    def of(cls, raw: str, timezone: str) -> Schedule:
        """Parse both; raise CronError or TimezoneError."""
        return cls(parse_cron(raw), zone(timezone))

    def slots_after(self, instant: datetime) -> Iterator[datetime]:
        """Successive slots strictly after ``instant``, in UTC (CRON-11)."""
        local = instant.astimezone(self.tz).replace(second=0, microsecond=0)
        # Fixed-time expressions iterate naive local times; a fold can then map a slot back
        # before the instant (01:30 EDT after 01:10 EST), so keep only strictly later ones.
        last = instant
        for candidate in CronSim(self.expression.fields, local):
            utc = candidate.astimezone(UTC)
            if utc > last:
                last = utc
                yield utc

    def first_after(self, instant: datetime) -> datetime:
        """The first slot strictly after ``instant``."""
        return next(self.slots_after(instant))

    def next_runs(self, after: datetime, count: int) -> list[datetime]:
        """The next ``count`` slots strictly after ``after``."""
        slots = self.slots_after(after)
        return [next(slots) for _ in range(count)]

    def latest_at_or_before(self, instant: datetime) -> datetime | None:
        """The newest slot ≤ ``instant``, or None when there is none within 50 years."""
        local = instant.astimezone(self.tz).replace(microsecond=0) + timedelta(seconds=1)
        try:
            candidate = next(CronSim(self.expression.fields, local, reverse=True))
        except StopIteration:
            return None
        # Walk forward from just before the reverse candidate, so DST rules are exactly
        # those of slots_after (one definition of "a slot").
        latest: datetime | None = None
        for slot in self.slots_after(candidate.astimezone(UTC) - _DST_MARGIN):
            if slot > instant:
                return latest
            latest = slot
        return latest

    def describe(self) -> str:
        """cronsim's English explanation of the (macro-expanded) expression."""
        return CronSim(self.expression.fields, datetime(2000, 1, 1, tzinfo=UTC)).explain()


def whole_minute(instant: datetime) -> datetime:
    """Drop seconds and below (SCH-1: compare-and-set compares for equality)."""
    return instant.replace(second=0, microsecond=0)
