"""Console sign-in of IAM users with account id or alias, user name and password, and
an MFA code when the user has a device (IAM-07)."""

from __future__ import annotations

import pytest

from services.iam import mfa
from services.iam.models import User
from services.iam.signin import INCORRECT, SignInError, authenticate_user


@pytest.fixture
def alice(iam):
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password="Corr3ct-horse")


def refused(*args, **kwargs) -> SignInError:
    with pytest.raises(SignInError) as err:
        authenticate_user(*args, **kwargs)
    return err.value


def test_iam_user_signs_in_with_account_id_or_alias(alice, account) -> None:
    """IAM-07: IAM users sign in with account id or alias plus user name."""
    by_alias = authenticate_user("student", "alice", "Corr3ct-horse")
    assert by_alias.principal.kind == "IAMUser" and by_alias.principal.name == "alice"
    assert by_alias.account.id == account.id and not by_alias.must_change_password
    dashed = f"{account.id[:4]}-{account.id[4:8]}-{account.id[8:]}"
    assert authenticate_user(dashed, "ALICE", "Corr3ct-horse").principal.name == "alice"
    assert User.objects.get(name="alice").password_last_used is not None


def test_wrong_details_get_one_message(alice, account) -> None:
    attempts = [
        ("student", "alice", "wrong"),
        ("student", "bob", "Corr3ct-horse"),
        ("nobody", "alice", "Corr3ct-horse"),
        (account.root_email, "alice", "Corr3ct-horse"),
    ]
    for args in attempts:
        assert refused(*args).message == INCORRECT


def test_user_without_console_password_cannot_sign_in(iam) -> None:
    iam("CreateUser", UserName="bot")
    assert refused("student", "bot", "").message == INCORRECT


def test_mfa_code_is_asked_and_checked(alice, iam) -> None:
    device = iam("CreateVirtualMFADevice", VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    step = mfa.current_step()
    iam(
        "EnableMFADevice",
        UserName="alice",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=mfa.totp(seed, step - 2),
        AuthenticationCode2=mfa.totp(seed, step - 1),
    )
    assert refused("student", "alice", "Corr3ct-horse").needs_mfa
    assert refused("student", "alice", "Corr3ct-horse", "000000").needs_mfa
    signed = authenticate_user("student", "alice", "Corr3ct-horse", mfa.totp(seed, step))
    assert signed.principal.name == "alice"


def test_reset_required_means_changing_the_password_first(alice, iam) -> None:
    iam("UpdateLoginProfile", UserName="alice", PasswordResetRequired=True)
    assert authenticate_user("student", "alice", "Corr3ct-horse").must_change_password
