"""Test settings: the production settings module with TESTING on (fast hashing, dev keys allowed)."""

import os

os.environ.setdefault("TESTING", "true")

# Uploaded files of tests (visit photos …) go to the system's temporary folder, never into the repository.
import tempfile
from pathlib import Path as _Path

from eldercare.settings import *  # noqa: F403

MEDIA_ROOT = _Path(tempfile.gettempdir()) / "eldercare-test-media"
