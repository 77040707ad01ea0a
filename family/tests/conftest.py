"""What the family tests share: a signed-in client, and a PDF's text as pdftotext reads it."""

import re
import shutil
import subprocess
from collections.abc import Callable

import pytest
from django.test import Client


@pytest.fixture
def signed_in(world) -> Callable[[str], Client]:
    """A client signed in as one of the world's personas."""

    def client_for(persona: str) -> Client:
        client = Client()
        client.force_login(world.users[persona])
        return client

    return client_for


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """A PDF's words with each run of spaces and line breaks as one space (skipped without
    poppler-utils)."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")

    def read(content: bytes) -> str:
        done = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        )
        return re.sub(r"\s+", " ", done.stdout.decode())

    return read
