"""Core asks IAM through hooks (services/core/hooks.py) that IAM fills in its
AppConfig.ready; with them empty (IAM not installed) core still answers sensibly: an
IAM user neither signs in nor keeps a console session, a root key still signs, an
unknown key is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from services.core import hooks, operations
from services.core.errors import AwsError
from services.core.middleware import SESSION_PRINCIPAL

CORE_HOOKS = (
    hooks.access_key_owner,
    hooks.sign_in_user,
    hooks.console_user_ended,
    hooks.console_role_session,
)
PASSWORD = "Corr3ct-horse"


@pytest.fixture
def without_iam() -> Iterator[None]:
    """The hooks as core declares them, before IAM fills them; put back afterwards."""
    before = [hook.installed for hook in CORE_HOOKS]
    for hook in CORE_HOOKS:
        hook.install(None)
    yield
    for hook, impl in zip(CORE_HOOKS, before, strict=True):
        hook.install(impl)


@pytest.fixture
def alice(ctx) -> None:
    operations.call(ctx, "iam", "CreateUser", {"UserName": "alice"})
    operations.call(ctx, "iam", "CreateLoginProfile", {"UserName": "alice", "Password": PASSWORD})


def _sign_in(client: Client, account) -> object:
    form = {"mode": "iam", "account": account.id, "username": "alice", "password": PASSWORD}
    return client.post("/signin", form)


def test_iam_fills_every_hook_core_declares() -> None:
    assert all(hook.installed is not None for hook in CORE_HOOKS)


def test_without_iam_an_iam_user_cannot_sign_in(account, alice, without_iam) -> None:
    client = Client()
    response = _sign_in(client, account)
    assert response.status_code == 200
    assert hooks.INCORRECT.encode() in response.content
    assert SESSION_PRINCIPAL not in client.session


def test_without_iam_an_iam_user_console_session_ends(account, alice) -> None:
    client = Client()
    assert _sign_in(client, account).status_code == 302
    assert client.get("/home/").status_code == 200
    before = [hook.installed for hook in CORE_HOOKS]
    try:
        for hook in CORE_HOOKS:
            hook.install(None)
        response = client.get("/home/", follow=True)
    finally:
        for hook, impl in zip(CORE_HOOKS, before, strict=True):
            hook.install(impl)
    assert b"Your console session has ended" in response.content
    assert SESSION_PRINCIPAL not in client.session


def test_without_iam_a_root_key_still_signs_and_an_unknown_one_does_not(
    account, without_iam
) -> None:
    key = account.access_keys.get()
    owner = hooks.access_key_owner(key.access_key_id, service="ec2", region="us-east-1")
    assert owner.principal.is_root and owner.account == account
    assert owner.secret_access_key == key.secret_access_key
    with pytest.raises(AwsError) as refused:
        hooks.access_key_owner("AKIAUNKNOWNKEY000000", service="ec2")
    assert refused.value.code == "InvalidClientTokenId"
