"""Test settings: the production settings module with TESTING on (fast hashing, dev keys allowed)."""

import os

os.environ.setdefault("TESTING", "true")

from eldercare.settings import *  # noqa: F403
