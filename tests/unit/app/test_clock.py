"""app/services/clock.py agrees with Python's datetime over the app's whole date range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.services.clock import epoch_ms


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2999, 12, 31)))
def test_epoch_ms_matches_datetime(moment: datetime) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=UTC)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    expected = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert epoch_ms(iso) == expected
