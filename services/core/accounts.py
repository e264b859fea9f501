"""Creating sandbox accounts. Services seed their per-account defaults (the default VPC,
say) by listening to `account_created`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal

from services.core import errors
from services.core.models import AccessKey, Account
from services.core.signin_guard import hash_anyway

# Sent inside the creating transaction with `account`.
account_created = Signal()


@dataclass(frozen=True)
class NewAccount:
    account: Account
    access_key: AccessKey

    def as_json(self) -> dict[str, str]:
        return {
            "account_id": self.account.id,
            "alias": self.account.alias or "",
            "email": self.account.root_email,
            "sign_in_url": sign_in_url(self.account),
            "access_key_id": self.access_key.access_key_id,
            "secret_access_key": self.access_key.secret_access_key,
        }


def sign_in_url(account: Account) -> str:
    return f"{settings.STRATOLAB_PUBLIC_URL.rstrip('/')}/signin?account={account.sign_in_name}"


def create_account(email: str, password: str, alias: str | None = None) -> NewAccount:
    """A new sandbox account with its root user and one root access key."""
    email = email.strip().lower()
    if Account.objects.filter(root_email=email).exists():
        raise errors.EmailAlreadyExists(f"An account with the email {email} already exists.")
    if alias and Account.objects.filter(alias=alias).exists():
        raise errors.EntityAlreadyExists(f"The account alias {alias} already exists.")
    if len(password) < 8:
        raise errors.PasswordPolicyViolation("Password must be at least 8 characters long.")
    with transaction.atomic():
        account = Account(root_email=email, alias=alias or None)
        while Account.objects.filter(id=account.id).exists():
            account = Account(root_email=email, alias=alias or None)
        account.set_root_password(password)
        account.save()
        key = AccessKey.objects.create(account=account)
        account_created.send(sender=Account, account=account)
    return NewAccount(account, key)


def authenticate_root(email: str, password: str) -> Account | None:
    """The active account whose root user has this email and password, or None. An
    unknown email runs the password hasher too, so it takes as long to refuse."""
    account = Account.objects.filter(root_email=email.strip().lower()).first()
    if account is None:
        hash_anyway(password)
        return None
    if account.check_root_password(password) and account.status == "active":
        return account
    return None


def find_account(name: str) -> Account | None:
    """The active account a sign-in form names by its 12-digit id (dashes allowed, as
    the console shows ids: 1234-5678-9012) or its alias."""
    name = name.strip()
    digits = name.replace("-", "")
    wanted = Q(id=digits) if digits.isdigit() else Q(alias=name.lower())
    return Account.objects.filter(wanted, status="active").first()
