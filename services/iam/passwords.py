"""Console passwords of IAM users against the account's password policy (IAM-08)."""

from __future__ import annotations

import datetime as dt
import string

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from services.core.models import Account
from services.iam import errors
from services.iam.models import LoginProfile, PasswordPolicy

# IAM's symbol set for RequireSymbols.
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"


def policy_for(account: Account) -> PasswordPolicy | None:
    return PasswordPolicy.objects.filter(account=account).first()


def violations(password: str, account: Account, policy: PasswordPolicy | None) -> list[str]:
    """What is wrong with `password` under `policy` (or IAM's default policy when the
    account has none: 8 characters, three of the four character types, and not the
    account's name or email)."""
    classes = {
        "uppercase": any(c in string.ascii_uppercase for c in password),
        "lowercase": any(c in string.ascii_lowercase for c in password),
        "number": any(c in string.digits for c in password),
        "symbol": any(c in SYMBOLS for c in password),
    }
    problems: list[str] = []
    if policy is None:
        if len(password) < 8:
            problems.append("Password should have a minimum length of 8")
        if sum(classes.values()) < 3:
            problems.append(
                "Password should include at least three of: uppercase letters, lowercase "
                "letters, numbers and symbols"
            )
        if password.lower() in {account.id, (account.alias or "").lower(), account.root_email}:
            problems.append("Password should not be the account name or email address")
        return problems
    if len(password) < policy.minimum_length:
        problems.append(f"Password should have a minimum length of {policy.minimum_length}")
    for flag, kind in (
        (policy.require_uppercase, "uppercase"),
        (policy.require_lowercase, "lowercase"),
        (policy.require_numbers, "number"),
        (policy.require_symbols, "symbol"),
    ):
        if flag and not classes[kind]:
            noun = f"{kind} letter" if kind in ("uppercase", "lowercase") else kind
            problems.append(f"Password should have at least one {noun}")
    return problems


def check(password: str, account: Account, previous: list[str] | None = None) -> None:
    """Raise PasswordPolicyViolation unless `password` satisfies the account's policy;
    `previous` holds the hashes of the user's earlier passwords, newest first."""
    policy = policy_for(account)
    problems = violations(password, account, policy)
    if policy and policy.reuse_prevention and previous:
        recent = previous[: policy.reuse_prevention]
        if any(check_password(password, h) for h in recent):
            problems.append(
                f"Password should not be one of your last {policy.reuse_prevention} passwords"
            )
    if problems:
        raise errors.PasswordPolicyViolation("; ".join(problems) + ".")


def set_password(profile: LoginProfile, password: str) -> None:
    """Store a new password (after `check`), remembering the old one for reuse checks."""
    if profile.password:
        profile.history = [profile.password, *profile.history][:24]
    profile.password = make_password(password)
    profile.password_changed_at = timezone.now()


def expired(profile: LoginProfile) -> bool:
    """Whether the password is older than the policy's MaxPasswordAge."""
    policy = policy_for(profile.user.account)
    if not policy or not policy.max_age:
        return False
    return timezone.now() - profile.password_changed_at > dt.timedelta(days=policy.max_age)
