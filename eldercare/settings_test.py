"""Test settings: the production settings module with TESTING on (fast hashing, dev keys allowed)."""

import os
import tempfile

os.environ.setdefault("TESTING", "true")
# uploads made by tests (inspection photos) go to a scratch directory, never into the repository
os.environ.setdefault("MEDIA_ROOT", os.path.join(tempfile.gettempdir(), "eldercare-test-media"))

from eldercare.settings import *  # noqa: F403
