"""Key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair.

The private key of a created pair is in the CreateKeyPair answer only (EC2-11): it is
never written to the database, and the audit event hides it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from services.core import describe, locks
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.ec2 import enums, errors, keymaterial
from services.ec2.models import KeyPair

FILTERS: describe.FilterSpec = {
    "key-pair-id": "resource_id",
    "key-name": "key_name",
    "fingerprint": "fingerprint",
    "key-type": "key_type",
}


def _check_name(name: str) -> None:
    if not name:
        raise missing_parameter("KeyName")
    if not keymaterial.valid_name(name):
        raise errors.InvalidParameterValue(
            f"Value ({name}) for parameter keyName is invalid. "
            "Key names are 1 to 255 ASCII characters."
        )


def _save(key: KeyPair) -> None:
    same = KeyPair.objects.filter(account_id=key.account_id, region=key.region)
    if same.filter(key_name=key.key_name).exists():
        raise _duplicate(key.key_name)
    try:
        # A concurrent create of the same name loses on the unique constraint.
        with transaction.atomic():
            key.save()
    except IntegrityError as exc:
        raise _duplicate(key.key_name) from exc


def _duplicate(name: str) -> AwsError:
    return errors.InvalidKeyPairDuplicate(f"The keypair '{name}' already exists.")


@operation("ec2", "CreateKeyPair")
def create_key_pair(ctx: CallContext, params: dict) -> dict:
    name = params.get("KeyName", "")
    _check_name(name)
    key_type = params.get("KeyType") or "rsa"
    key_format = params.get("KeyFormat") or "pem"
    if key_type not in enums.KEY_TYPES:
        raise errors.InvalidParameterValue(
            f"Value ({key_type}) for parameter keyType is invalid. "
            f"Valid values: {', '.join(enums.KEY_TYPES)}"
        )
    if key_format not in enums.KEY_FORMATS:
        raise errors.InvalidParameterValue(
            f"Value ({key_format}) for parameter keyFormat is invalid. "
            f"Valid values: {', '.join(enums.KEY_FORMATS)}"
        )
    tags = describe.tags_from_specifications(params, "key-pair")
    new = keymaterial.generate(key_type, key_format, name)
    key = KeyPair(
        account=ctx.account,
        region=ctx.region,
        key_name=name,
        key_type=key_type,
        fingerprint=new.fingerprint,
        public_key=new.public_openssh,
        tags=tags,
    )
    _save(key)
    ctx.touch(key)
    return {
        "KeyPairId": key.resource_id,
        "KeyName": key.key_name,
        "KeyFingerprint": key.fingerprint,
        "KeyMaterial": new.material,
        "Tags": key.tag_list(),
    }


@operation("ec2", "ImportKeyPair")
def import_key_pair(ctx: CallContext, params: dict) -> dict:
    name = params.get("KeyName", "")
    _check_name(name)
    material = params.get("PublicKeyMaterial")
    if not material:
        raise missing_parameter("PublicKeyMaterial")
    public = keymaterial.parse_public(material)
    key = KeyPair(
        account=ctx.account,
        region=ctx.region,
        key_name=name,
        key_type=public.key_type,
        fingerprint=public.fingerprint,
        public_key=public.public_openssh,
        imported=True,
        tags=describe.tags_from_specifications(params, "key-pair"),
    )
    _save(key)
    ctx.touch(key)
    return {
        "KeyFingerprint": key.fingerprint,
        "KeyName": key.key_name,
        "KeyPairId": key.resource_id,
        "Tags": key.tag_list(),
    }


@operation("ec2", "DescribeKeyPairs")
def describe_key_pairs(ctx: CallContext, params: dict) -> dict:
    qs = KeyPair.objects.visible_to(ctx)
    names = params.get("KeyNames") or []
    key_ids = params.get("KeyPairIds") or []
    if names:
        found = set(qs.filter(key_name__in=names).values_list("key_name", flat=True))
        missing = [n for n in names if n not in found]
        if missing:
            raise KeyPair.not_found(missing[0])
        qs = qs.filter(key_name__in=names)
    if key_ids:
        found = set(qs.filter(resource_id__in=key_ids).values_list("resource_id", flat=True))
        missing = [k for k in key_ids if k not in found]
        if missing:
            raise errors.InvalidKeyPairNotFound(f"The key pair ID '{missing[0]}' does not exist")
        qs = qs.filter(resource_id__in=key_ids)
    qs = describe.apply_filters(qs, params.get("Filters"), FILTERS).order_by("key_name")
    include = bool(params.get("IncludePublicKey"))
    return {"KeyPairs": [k.describe(include_public_key=include) for k in qs]}


@operation("ec2", "DeleteKeyPair")
def delete_key_pair(ctx: CallContext, params: dict) -> dict:
    name, key_id = params.get("KeyName"), params.get("KeyPairId")
    if not name and not key_id:
        raise missing_parameter("KeyName")
    qs = locks.rows(KeyPair.objects.visible_to(ctx))
    qs = qs.filter(resource_id=key_id) if key_id else qs.filter(key_name=name)
    key = qs.first()
    # Deleting a key pair that does not exist succeeds, as on AWS.
    if key is None:
        return {"Return": True}
    ctx.touch(key)
    key_id = key.resource_id
    key.delete()  # instances launched with it keep its name, as on AWS
    return {"Return": True, "KeyPairId": key_id}
