"""The one place time enters the package.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) replaces the wall clock for every
timestamp a run writes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from .errors import MetaPipelineError

__all__ = ["now_utc", "parse_timestamp"]


def now_utc(environ: Mapping[str, str] | None = None) -> datetime:
    """Current UTC time, or ``SOURCE_DATE_EPOCH`` when it is set."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return datetime.fromtimestamp(time.time(), tz=UTC).replace(microsecond=0)
    try:
        seconds = int(raw)
    except ValueError as exc:
        raise MetaPipelineError(
            f"SOURCE_DATE_EPOCH={raw!r} is not an integer number of seconds since 1970-01-01"
        ) from exc
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_timestamp(value: str) -> datetime | None:
    """An ISO-8601 time read from an input file, as naive UTC; None if it is not one.

    Aware times are converted to UTC. A time that leaves the years 1-9999 on the way (such as
    ``9999-12-31T23:59:59-14:00``) is not one: ``astimezone`` would raise ``OverflowError``.
    """
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None
    return parsed
