"""Test settings: the production settings module with TESTING on (fast hashing, dev keys allowed)."""

import os
import tempfile

os.environ.setdefault("TESTING", "true")
# uploads made by tests (inspection photos) go to a scratch directory, never into the repository
os.environ.setdefault("MEDIA_ROOT", os.path.join(tempfile.gettempdir(), "eldercare-test-media"))

# Uploaded files of tests (visit photos …) go to the system's temporary folder, never into the repository.
import tempfile
from pathlib import Path as _Path

from eldercare.settings import *  # noqa: F403

MEDIA_ROOT = _Path(tempfile.gettempdir()) / "eldercare-test-media"
