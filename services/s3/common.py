"""What S3's operations share: finding a bucket by its global name, owners, version ids."""

from __future__ import annotations

import secrets
import string

from services.core.context import CallContext
from services.core.models import Account
from services.s3.errors import no_such_bucket
from services.s3.models import Bucket, canonical_user_id

_VERSION_ALPHABET = string.ascii_letters + string.digits + "._"
XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


def new_version_id() -> str:
    """A version id in S3's shape: 32 characters of letters, digits, dots, underscores."""
    return "".join(secrets.choice(_VERSION_ALPHABET) for _ in range(32))


def new_upload_id() -> str:
    return secrets.token_urlsafe(48)


def find_bucket(name: str, *, for_update: bool = False) -> Bucket:
    """The bucket named `name`, whoever owns it (names are global); NoSuchBucket if
    there is none. Access was decided before the operation ran (authorization.py)."""
    qs = Bucket.objects.all()
    if for_update:
        qs = qs.select_for_update()
    bucket = qs.filter(resource_id=name).first() if name else None
    if bucket is None:
        raise no_such_bucket(name)
    return bucket


def bucket_for(ctx: CallContext, name: str, *, for_update: bool = False) -> Bucket:
    """The bucket a call acts on (the call was authorized on it before it ran), recorded
    as touched for the audit event."""
    bucket = find_bucket(name, for_update=for_update)
    ctx.touch(bucket)
    return bucket


def owner(account_id: str) -> dict[str, str]:
    """The Owner shape: canonical id and display name."""
    account = Account.objects.filter(id=account_id).first()
    display = (account.alias or account.root_email.split("@")[0]) if account else account_id
    return {"ID": canonical_user_id(account_id), "DisplayName": display}


def encode_key(value: str | None, encoding: str | None) -> str | None:
    """Keys and prefixes in a listing asked for with encoding-type=url."""
    if value is None or encoding != "url":
        return value
    from urllib.parse import quote_plus

    return quote_plus(value, safe="/")
