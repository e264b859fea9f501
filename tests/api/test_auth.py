"""Who may call the REST API: an access key as a token, or the console's session."""

from __future__ import annotations

import pytest
from django.test import Client

from services.core.middleware import SESSION_ACCOUNT, SESSION_PRINCIPAL
from services.core.models import AccessKey, Event
from services.ec2.models import Volume
from tests.api.conftest import key_client

VOLUMES = "/api/v1/ec2/volumes/"
BODY = {"AvailabilityZone": "us-east-1a", "Size": 8}


def test_no_credentials_is_401_with_the_scheme_to_use(client, db):
    response = client.get(VOLUMES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "MissingAuthenticationToken"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Token AKIANOSUCHKEY0000000:secret",
        "Token {key}:wrong-secret",
        "Token {key}",
        "Token {key}:",
        "token {key}:wrong-secret",
    ],
)
def test_a_bad_key_is_invalid_client_token_id(client, root_key, header):
    response = client.get(VOLUMES, HTTP_AUTHORIZATION=header.format(key=root_key.access_key_id))
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "InvalidClientTokenId"
    assert body["detail"] == "The security token included in the request is invalid."


def test_an_inactive_key_no_longer_works(root_key):
    api = key_client(root_key)
    assert api.get(VOLUMES).status_code == 200
    AccessKey.objects.filter(pk=root_key.pk).update(status="Inactive")
    assert api.get(VOLUMES).json()["code"] == "InvalidClientTokenId"


def test_a_suspended_account_cannot_call(root_key):
    root_key.account.status = "suspended"
    root_key.account.save()
    response = key_client(root_key).get(VOLUMES)
    assert response.status_code == 401


def test_the_key_records_when_it_was_last_used(api, root_key):
    api.get(f"{VOLUMES}?region=eu-west-1")
    root_key.refresh_from_db()
    assert root_key.last_used_at is not None
    assert (root_key.last_used_service, root_key.last_used_region) == ("ec2", "eu-west-1")


def test_iam_01_an_iam_user_without_policies_is_denied(account):
    key = AccessKey.objects.create(account=account, user_name="bob")
    response = key_client(key).post(VOLUMES, BODY, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "UnauthorizedOperation"
    assert body["detail"].startswith("You are not authorized to perform this operation.")
    assert f"arn:aws:iam::{account.id}:user/bob" in body["detail"]
    assert "ec2:CreateVolume" in body["detail"]
    assert not Volume.objects.exists()
    event = Event.objects.get(event_name="CreateVolume")
    assert (event.user_name, event.error_code) == ("bob", "UnauthorizedOperation")


# --- the console session ---------------------------------------------------------------


def _session_client(account) -> Client:
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session[SESSION_ACCOUNT] = account.id
    session[SESSION_PRINCIPAL] = {"kind": "Root", "name": ""}
    session.save()
    return client


def test_a_signed_in_console_session_reaches_the_api(account):
    client = _session_client(account)
    response = client.get("/api/v1/account/")
    assert response.status_code == 200
    assert response.json()["account_id"] == account.id


def test_a_session_write_needs_the_csrf_token(account):
    client = _session_client(account)
    response = client.post(VOLUMES, BODY, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "AccessDenied"
    assert "CSRF" in response.json()["detail"]
    assert not Volume.objects.exists()


def test_the_docs_page_gives_a_session_its_csrf_token(account):
    """Swagger UI's "Try it out" from a signed-in browser: the page sets the cookie and
    sends the token back as a header."""
    client = _session_client(account)
    assert client.get("/api/v1/docs/").status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(VOLUMES, BODY, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    event = Event.objects.get(event_name="CreateVolume")
    assert (event.door, event.access_key_id) == ("rest", "")
