"""REST clients signed with an account's access key."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


def key_client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.access_key_id}:{key.secret_access_key}")
    return client


@pytest.fixture
def root_key(account):
    from services.core.models import AccessKey

    return AccessKey.objects.get(account=account, user_name="")


@pytest.fixture
def api(root_key) -> APIClient:
    """The REST API as the root user of `account` (through its access key)."""
    return key_client(root_key)


@pytest.fixture
def other_api(other_account) -> APIClient:
    from services.core.models import AccessKey

    return key_client(AccessKey.objects.get(account=other_account, user_name=""))
