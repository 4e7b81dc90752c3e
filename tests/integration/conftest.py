"""What several integration tests start from."""

from __future__ import annotations

import pytest


@pytest.fixture
def case_id(rf_sqlite):
    """One case, registered on SQLite: received 2025-01-24 in person."""
    c = rf_sqlite.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                       "--received", "2025-01-24", "--content", "某文件")
    return c["id"]
