"""Key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair.

The private key of a created pair is in the CreateKeyPair answer only (EC2-11): the key
pair row keeps its public half, the key pool's row it came from (keypool.py) is deleted
in the same transaction, and the audit event hides it.
"""

from __future__ import annotations

from services.core import constraints, describe, filters, locks, lookups
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.ec2 import enums, errors, keymaterial, keypool
from services.ec2.models import KeyPair

FILTERS = filters.Spec(
    "DescribeKeyPairs",
    {
        "key-pair-id": "resource_id",
        "key-name": "key_name",
        "fingerprint": "fingerprint",
        "key-type": "key_type",
    },
)


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
    key.save()  # a concurrent create of the same name loses on the unique constraint


def _duplicate(name: str) -> AwsError:
    return errors.InvalidKeyPairDuplicate(f"The keypair '{name}' already exists.")


constraints.on_violation(KeyPair, "key_pair_name_unique", lambda v: _duplicate(v.row.key_name))


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
    if KeyPair.objects.filter(account=ctx.account, region=ctx.region, key_name=name).exists():
        raise _duplicate(name)  # before taking a key from the pool for nothing
    new = keymaterial.render(keypool.take(key_type), key_format, name)
    key = KeyPair(
        account=ctx.account,
        region=ctx.region,
        key_name=name,
        key_type=key_type,
        fingerprint=new.fingerprint,
        public_key=new.public_openssh,
        tags=tags,
    )
    key.save()  # a concurrent create of the same name loses on the unique constraint
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


def _id_not_found(missing: list[str]) -> AwsError:
    return errors.InvalidKeyPairNotFound(f"The key pair ID '{missing[0]}' does not exist")


@operation("ec2", "DescribeKeyPairs")
def describe_key_pairs(ctx: CallContext, params: dict) -> dict:
    qs = KeyPair.objects.visible_to(ctx)
    qs = lookups.only_ids(qs, KeyPair, params.get("KeyNames"), field="key_name")
    qs = lookups.only_ids(qs, KeyPair, params.get("KeyPairIds"), error=_id_not_found)
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
