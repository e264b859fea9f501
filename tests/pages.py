"""Reading console pages as a user does: the HTML with entities decoded, or the text."""

from __future__ import annotations

import re
from html import unescape


def html(response) -> str:
    """A response's HTML with entities decoded."""
    return unescape(response.content.decode())


def text(response) -> str:
    """What a user reads on the page: the text without tags, scripts or extra spaces."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", unescape(page)).strip()
