"""Members who write to each other in the messaging tests (issue 7)."""

from __future__ import annotations

import pytest


@pytest.fixture
def amina(make_alumnus):
    """A listed alumna who accepts partners' messages."""
    return make_alumnus("Amina", "Diallo", accepts_partner_contact=True)


@pytest.fixture
def lucas(make_alumnus):
    """A listed alumnus who refuses partners' messages."""
    return make_alumnus("Lucas", "Martin")


@pytest.fixture
def thao(make_alumnus):
    return make_alumnus("Thao", "Tran")
