"""Fixtures of the console tests: a Django test client signed in as a root user, and
readers of what a page shows."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

PASSWORD = "correct horse battery"


@pytest.fixture
def console(account) -> Client:
    """A client signed in through the sign-in page as the root user of `account`."""
    client = Client()
    response = client.post("/signin", {"email": account.root_email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    # Tests count the events their own calls make; the sign-in's ConsoleLogin event is
    # tested in test_signin.py.
    from services.core.models import Event

    Event.objects.filter(event_name="ConsoleLogin").delete()
    return client


def html(response) -> str:
    """A response's HTML with entities decoded."""
    return unescape(response.content.decode())


def text(response) -> str:
    """What a user reads on the page: the text without tags, scripts or extra spaces."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", unescape(page)).strip()
