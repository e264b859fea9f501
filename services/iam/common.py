"""What the IAM operations share: IAM's errors and messages, name and path rules,
Marker/MaxItems paging, tags, and finding entities by name or ARN (with
services.core.lookups; each model declares its NoSuchEntity message)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from django.db.models import Model

from services.core import lookups
from services.core.context import CallContext
from services.core.errors import AwsError
from services.iam import errors
from services.iam.models import Group, InstanceProfile, ManagedPolicy, Role, User

NAME_PATTERN = r"[\w+=,.@-]+"
_NAME = re.compile(rf"^{NAME_PATTERN}$")
_PATH = re.compile(r"^(/|/[\x21-\x7e]+/)$")
MAX_TAGS = 50


def no_such_entity(message: str) -> AwsError:
    return errors.NoSuchEntity(message)


def already_exists(message: str) -> AwsError:
    return errors.EntityAlreadyExists(message)


def limit_exceeded(quota: str, limit: int) -> AwsError:
    return errors.LimitExceeded(f"Cannot exceed quota for {quota}: {limit}")


def delete_conflict(message: str) -> AwsError:
    return errors.DeleteConflict(message)


def invalid_input(message: str) -> AwsError:
    return errors.InvalidInput(message)


def validation_error(value: str, member: str, constraint: str) -> AwsError:
    """IAM's wording for a value that breaks a parameter's constraint."""
    return errors.ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )


def check_name(value: str, member: str, max_length: int = 64) -> str:
    if len(value) > max_length:
        raise validation_error(
            value, member, f"Member must have length less than or equal to {max_length}"
        )
    if not _NAME.match(value):
        raise validation_error(
            value, member, f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
        )
    return value


def check_path(value: str | None, member: str = "path") -> str:
    if value is None or value == "":
        return "/"
    if len(value) > 512:
        raise validation_error(value, member, "Member must have length less than or equal to 512")
    if not _PATH.match(value):
        raise validation_error(
            value,
            member,
            "Member must satisfy regular expression pattern: (\\u002F)|"
            "(\\u002F[\\u0021-\\u007E]+\\u002F)",
        )
    return value


def encode_document(document: str) -> str:
    """IAM returns policy documents URL-encoded (the SDKs decode them)."""
    return quote(document, safe="")


# --- paging -----------------------------------------------------------------------------


def page(items: Sequence, params: dict, key: str) -> dict:
    """IAM's Marker / MaxItems paging over an ordered sequence: {key: [...], IsTruncated,
    Marker}."""
    max_items = params.get("MaxItems")
    if max_items is None:
        max_items = 100
    if not 1 <= max_items <= 1000:
        raise validation_error(
            str(max_items), "maxItems", "Member must have value less than or equal to 1000"
        )
    invalid = invalid_input("Invalid Marker.")
    chunk, marker = lookups.page_list(
        items, max_items, params.get("Marker"), invalid=invalid, key="o"
    )
    result: dict = {key: chunk, "IsTruncated": marker is not None}
    if marker:
        result["Marker"] = marker
    return result


# --- tags -------------------------------------------------------------------------------


def tags_from(params: dict, existing: dict[str, str] | None = None) -> dict[str, str]:
    tags = dict(existing or {})
    for tag in params.get("Tags") or []:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if key.lower().startswith("aws:"):
            raise invalid_input("Tag keys starting with 'aws:' are reserved for internal use.")
        if not 1 <= len(key) <= 128:
            raise validation_error(key, "tags.member.key", "Member must have length 1 to 128")
        if len(value) > 256:
            raise validation_error(
                value, "tags.member.value", "Member must have length less than or equal to 256"
            )
        tags[key] = value
    if len(tags) > MAX_TAGS:
        raise limit_exceeded("TagsPerEntity", MAX_TAGS)  # IAM: 50 tags per entity
    return tags


def untag(tags: dict[str, str], keys: list[str]) -> dict[str, str]:
    drop = set(keys)
    return {k: v for k, v in tags.items() if k not in drop}


def save_tags(entity: Model, tags: dict[str, str]) -> None:
    """Store the new tag set of a user, role, policy or instance profile."""
    entity.tags = tags
    entity.save(update_fields=["tags"])


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


# --- lookups ----------------------------------------------------------------------------


def get_user(ctx: CallContext, name: str, *, for_update: bool = False) -> User:
    return lookups.get(ctx, User, name, field="name__iexact", for_update=for_update)


def caller_user(ctx: CallContext, params: dict, *, for_update: bool = False) -> User:
    """The user a call names, or the calling IAM user when it names none (as AWS does
    for GetUser, ListAccessKeys, ... without UserName)."""
    name = params.get("UserName")
    if name:
        return get_user(ctx, name, for_update=for_update)
    if ctx.principal.kind == "IAMUser":
        return get_user(ctx, ctx.principal.name, for_update=for_update)
    raise errors.ValidationError("Must specify userName when calling with non-User credentials")


def get_group(ctx: CallContext, name: str, *, for_update: bool = False) -> Group:
    return lookups.get(ctx, Group, name, field="name__iexact", for_update=for_update)


def get_role(ctx: CallContext, name: str, *, for_update: bool = False) -> Role:
    return lookups.get(ctx, Role, name, field="name__iexact", for_update=for_update)


def get_instance_profile(ctx: CallContext, name: str) -> InstanceProfile:
    return lookups.get(ctx, InstanceProfile, name, field="name__iexact")


def split_policy_arn(arn: str) -> tuple[str, str, str]:
    """arn:aws:iam::123456789012:policy/path/Name -> (account, "/path/", "Name")."""
    m = re.match(r"^arn:aws:iam::(\d{12}|aws):policy(/(?:.*/)?)([^/]+)$", arn or "")
    if not m:
        raise invalid_input(f"ARN {arn} is not valid.")
    return m.group(1), m.group(2), m.group(3)


def get_local_policy(ctx: CallContext, arn: str, *, for_update: bool = False) -> ManagedPolicy:
    account, path, name = split_policy_arn(arn)
    if account != ctx.account.id:
        raise ManagedPolicy.not_found(arn)
    qs = lookups.visible(ctx, ManagedPolicy, for_update=for_update).filter(path=path)
    policy = qs.filter(name__iexact=name).first()
    if policy is None:
        raise ManagedPolicy.not_found(arn)
    return policy
