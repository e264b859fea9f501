"""Issue 11, item 3, for IAM users at the console's sign-in page: ten failed sign-ins of
one user (account id or alias + user name) lock that user out for 15 minutes, even with
the right password and MFA code; each failure is in the account's event history; and
an unknown account or user costs a hash and locks out like a real one."""

from __future__ import annotations

import pytest
from django.test import Client

from services.core.middleware import SESSION_PRINCIPAL
from services.core.models import Event
from services.core.signin_guard import LOCKED_MESSAGE
from services.iam import mfa
from services.iam.signin import INCORRECT
from tests.console.hashers import count_hashes

PASSWORD = "Corr3ct-horse"


@pytest.fixture
def alice(iam):
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password=PASSWORD)
    iam("CreateUser", UserName="bob")
    iam("CreateLoginProfile", UserName="bob", Password=PASSWORD)


def sign_in(client: Client, account: str, user: str, password: str, mfa_code: str = ""):
    data = {"mode": "iam", "account": account, "username": user, "password": password}
    if mfa_code:
        data["mfa_code"] = mfa_code
    return client.post("/signin", data)


def fail_ten_times(account: str, user: str) -> list:
    client = Client()
    return [sign_in(client, account, user, f"wrong-{n}") for n in range(10)]


def test_ten_wrong_passwords_lock_the_user_out_even_with_the_right_one(alice, account):
    for response in fail_ten_times(account.id, "alice"):
        assert INCORRECT in response.content.decode()
    client = Client()
    response = sign_in(client, account.id, "alice", PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert SESSION_PRINCIPAL not in client.session
    # The dashed id the console shows and another case of the name: the same user.
    dashed = f"{account.id[:4]}-{account.id[4:8]}-{account.id[8:]}"
    assert sign_in(Client(), dashed, "ALICE", PASSWORD).status_code == 429
    # Another user of the account signs in as usual.
    assert sign_in(Client(), account.id, "bob", PASSWORD).status_code == 302
    events = Event.objects.filter(
        account=account, event_name="ConsoleLogin", user_name__iexact="alice"
    )
    assert events.count() == 12
    assert {e.response_elements["ConsoleLogin"] for e in events} == {"Failure"}


def test_wrong_mfa_codes_count_as_failures_too(alice, iam, account):
    device = iam("CreateVirtualMFADevice", VirtualMFADeviceName="alice")["VirtualMFADevice"]
    secret = device["Base32StringSeed"].decode()
    step = mfa.current_step()
    iam("EnableMFADevice", UserName="alice", SerialNumber=device["SerialNumber"],
        AuthenticationCode1=mfa.totp(secret, step - 2),
        AuthenticationCode2=mfa.totp(secret, step - 1))  # fmt: skip
    client = Client()
    for _ in range(10):
        response = sign_in(client, account.alias, "alice", PASSWORD, "000000")
        assert "The MFA code is not valid" in response.content.decode()
    response = sign_in(client, account.alias, "alice", PASSWORD, mfa.totp(secret, step))
    assert response.status_code == 429 and LOCKED_MESSAGE in response.content.decode()


def test_an_unknown_account_or_user_locks_out_like_a_real_one(alice, account):
    """The answers tell nothing about which accounts and users exist."""
    real = [(r.status_code, r.content.count(INCORRECT.encode())) for r in
            fail_ten_times(account.id, "alice")]  # fmt: skip
    for who in (("999999999999", "alice"), (account.id, "nobody"), ("no-such-alias", "alice")):
        made_up = [(r.status_code, r.content.count(INCORRECT.encode())) for r in
                   fail_ten_times(*who)]  # fmt: skip
        assert made_up == real == [(200, 1)] * 10
        locked = sign_in(Client(), *who, PASSWORD)
        assert locked.status_code == 429 and LOCKED_MESSAGE in locked.content.decode()


@pytest.mark.parametrize(
    "who",
    [("student", "alice"), ("student", "nobody"), ("999999999999", "alice"), ("student", "carol")],
    ids=["wrong password", "unknown user", "unknown account", "user without a password"],
)
def test_every_refusal_costs_one_hash(alice, iam, settings, who):
    iam("CreateUser", UserName="carol")  # no login profile: she cannot sign in
    hashes = count_hashes(settings)
    response = sign_in(Client(), *who, "not-her-password")
    assert INCORRECT in response.content.decode()
    assert hashes() == 1
