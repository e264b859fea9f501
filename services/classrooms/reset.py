"""Emptying a sandbox and setting it up again: delete every row the account owns,
re-seed the defaults every new account gets (the `account_created` receivers: the
default VPCs, ...), then run a lab's starting state as the account's root user."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from services.classrooms.labs import Lab
from services.core import operations
from services.core.accounts import account_created
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import AccessKey, Account, Event

# Kept by a reset: the sign-in (root keys), the audit history, and the classroom itself.
_KEPT = {AccessKey, Event}
_KEPT_APPS = {"classrooms"}


def _owned_models() -> list[type[models.Model]]:
    """Every model with an `account` foreign key to Account: the resource models and
    their side tables (IAM attachments, credentials, ...)."""
    found = []
    for model in apps.get_models():
        # A proxy shares its concrete model's rows (CloudTrail's event history is the
        # audit log seen as a resource type): kept when that model is kept.
        if model._meta.concrete_model in _KEPT or model._meta.app_label in _KEPT_APPS:
            continue
        field = next((f for f in model._meta.fields if f.name == "account"), None)
        if field is not None and field.related_model is Account:
            found.append(model)
    return found


def wipe(account: Account) -> int:
    """Delete everything `account` owns but its root keys and events. Rows are deleted
    model by model; one protected by another (a subnet by its VPC's instances, say) is
    retried after the others have gone. Returns how many rows went."""
    deleted = 0
    pending = _owned_models()
    with transaction.atomic():
        AccessKey.objects.filter(account=account).exclude(user_name="").delete()
        # An alias the student made (iam:CreateAccountAlias) goes too: it is global.
        Account.objects.filter(pk=account.pk).update(alias=None)
        account.alias = None
        for _ in range(len(pending) + 1):
            blocked = []
            for model in pending:
                try:
                    with transaction.atomic():
                        deleted += model.objects.filter(account=account).delete()[0]
                except (ProtectedError, RestrictedError):
                    blocked.append(model)
            if not blocked:
                return deleted
            pending = blocked
        names = ", ".join(m._meta.label for m in pending)
        raise RuntimeError(f"could not empty account {account.id}: {names} stay protected")


def seed_defaults(account: Account) -> None:
    """What every new account gets, from the services' `account_created` receivers."""
    account_created.send(sender=Account, account=account)


_REF = re.compile(r"^\{(\w+)\.([\w.]+)\}$")


def _substitute(value: object, saved: dict[str, dict]) -> object:
    """`"{vpc.Vpc.VpcId}"` in a starting-state step: a value an earlier step returned."""
    from services.classrooms.query import values

    if isinstance(value, str) and (m := _REF.match(value)):
        found = values(saved.get(m.group(1), {}), m.group(2))
        if not found:
            raise ValueError(f"starting state: nothing at {value}")
        return found[0]
    if isinstance(value, dict):
        return {k: _substitute(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, saved) for v in value]
    return value


def apply_starting_state(lab: Lab, account: Account) -> None:
    """Run the lab's `starting_state` calls as Stratolab in the account (door "system",
    so they neither count as the student's events nor meet classroom limits)."""
    saved: dict[str, dict] = {}
    for step in lab.starting_state:
        ctx = CallContext.system(account, step.get("region", lab.region))
        params = _substitute(step.get("params", {}), saved)
        try:
            result = operations.call(ctx, step["service"], step["action"], params)
        except AwsError as error:
            raise ValueError(
                f"{lab.slug}: starting state {step['action']} failed: {error}"
            ) from error
        if step.get("save"):
            saved[step["save"]] = result


def reset(account: Account, lab: Lab | None = None) -> None:
    """Empty `account`, give it its defaults again, and set up `lab` if given."""
    with transaction.atomic():
        wipe(account)
        seed_defaults(account)
    if lab is not None:
        apply_starting_state(lab, account)
