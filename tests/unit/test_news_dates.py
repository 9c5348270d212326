"""Calendar months for the news lifetime."""

from datetime import UTC, datetime

import pytest

from alumni_partner.page_lifetime import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (
            datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
            2,
            datetime(2026, 3, 15, 9, 30, tzinfo=UTC),
        ),
        (datetime(2026, 12, 31, tzinfo=UTC), 2, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2027, 12, 31, tzinfo=UTC), 2, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 11, 30, tzinfo=UTC), 1, datetime(2026, 12, 30, tzinfo=UTC)),
        (datetime(2026, 11, 30, tzinfo=UTC), 14, datetime(2028, 1, 30, tzinfo=UTC)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(
    start, months, expected
):
    assert add_months(start, months) == expected
