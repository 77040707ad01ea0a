"""Test settings: plain static storage (no collectstatic), fast hashing, an in-memory outbox."""

import os

os.environ.setdefault("SENDPATH_SECRET_KEY", "test-only-not-secret")

from sendpath.settings import *  # noqa: E402,F403
from sendpath.settings import STORAGES  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test runner empties tables between tests; audit/tests installs the triggers itself.
SENDPATH_AUDIT_TRIGGERS = False
# Uploads from tests go to a throwaway folder, never the data folder.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

SENDPATH_UPLOADS_DIR = Path(tempfile.mkdtemp(prefix="sendpath-test-uploads-"))
# Sign-in (issue 12): tasks run at once so tests see the reset mail; 2FA is off because the
# personas sign in with force_login, and the 2FA tests turn it on with override_settings.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SENDPATH_REQUIRE_2FA = False
