from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> Iterator[None]:
    """Photos go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    yield
