from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale


@pytest.fixture(autouse=True)
def english_interface() -> Iterator[None]:
    """Each test starts in English, whatever language an earlier test switched the interface to (the
    default QLocale is process-wide and outlives the translators a test removes)."""
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(QLocale("en_US"))
