"""Browser tests run against pytest-django's live server in headless Chromium (the
`page`, `signed_in` and `worker` fixtures are in tests/conftest.py)."""

import pytest

pytestmark = pytest.mark.browser
