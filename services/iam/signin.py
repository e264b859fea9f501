"""Console sign-in of IAM users (IAM-07): the account's id or alias, the user name and
the console password, and a code from the user's MFA device when they have one.

`authenticate_user` is what the sign-in page calls; on success the console session
holds {"kind": "IAMUser", "name": <user name>} as its principal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.utils import timezone

from services.core.accounts import find_account
from services.core.context import Principal
from services.core.hooks import INCORRECT, SignInRefused  # noqa: F401  (INCORRECT: kept here)
from services.core.models import Account
from services.core.signin_guard import hash_anyway
from services.iam import mfa, passwords
from services.iam.models import LoginProfile, MfaDevice, User


class SignInError(SignInRefused):
    """A refused sign-in (core's SignInRefused, which the console's sign-in page shows).
    `needs_mfa`: the password was right and an MFA code is due."""


@dataclass(frozen=True)
class SignedIn:
    account: Account
    principal: Principal
    # The user must choose a new password before anything else (set by an admin, or
    # the password is older than the policy's MaxPasswordAge).
    must_change_password: bool = False


def authenticate_user(
    account_name: str, user_name: str, password: str, mfa_code: str = ""
) -> SignedIn:
    """Check an IAM user's console credentials. Raises SignInError (the same message
    whatever was wrong, as AWS does) or, after a right password, one with needs_mfa."""
    account = find_account(account_name)
    user = (
        User.objects.filter(account=account, name__iexact=user_name.strip()).first()
        if account
        else None
    )
    profile = LoginProfile.objects.filter(user=user).first() if user else None
    if profile is None:
        hash_anyway(password)  # as long as a wrong password: no user list by timing
        raise SignInError()
    if not check_password(password, profile.password):
        raise SignInError()
    devices = list(MfaDevice.objects.filter(user=user, enabled_at__isnull=False))
    if devices:
        if not mfa_code:
            raise SignInError("Enter the code from your MFA device.", needs_mfa=True)
        if not any(mfa.verify(device, mfa_code) for device in devices):
            raise SignInError("The MFA code is not valid. Please try again.", needs_mfa=True)
    expired = passwords.expired(profile)
    policy = passwords.policy_for(account)
    if expired and policy is not None and policy.hard_expiry:
        raise SignInError("Your password has expired. Contact your administrator to reset it.")
    User.objects.filter(pk=user.pk).update(password_last_used=timezone.now())
    return SignedIn(
        account,
        Principal(account.id, "IAMUser", user.name),
        must_change_password=profile.password_reset_required or expired,
    )
