"""AMIs: DescribeImages over the quick-start catalog and the account's own images,
DeregisterImage, and the image attributes (description, launch permissions).
CreateImage lives with instances (instances_images.py), CopyImage here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from services.core import describe, filters, ids, locks
from services.core.context import CallContext
from services.core.operations import operation
from services.core.regions import is_region
from services.ec2 import ami_catalog, errors, listing
from services.ec2.ami_catalog import CatalogImage
from services.ec2.models import Image, Snapshot

_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class ImageRef:
    """An image a caller can launch: a catalog image or an Image row."""

    data: dict  # the EC2 `Image` shape
    row: Image | None = None
    catalog: CatalogImage | None = None

    @property
    def image_id(self) -> str:
        return self.data["ImageId"]

    @property
    def architecture(self) -> str:
        return self.data["Architecture"]

    @property
    def root_device_name(self) -> str:
        return self.data["RootDeviceName"]

    @property
    def block_device_mappings(self) -> list[dict]:
        return self.data.get("BlockDeviceMappings") or []

    @property
    def platform(self) -> str:
        return self.data.get("Platform", "")


def check_id(image_id: str) -> None:
    if not _ID.match(image_id or ""):
        raise errors.InvalidAMIIDMalformed(f'Invalid id: "{image_id}" (expecting "ami-...")')


def _visible_rows(ctx: CallContext) -> QuerySet[Image]:
    """Own images, public ones and those shared with the caller, in the caller's region."""
    return Image.objects.filter(region=ctx.region).filter(
        Q(account_id=ctx.account.id)
        | Q(public=True)
        | Q(launch_user_ids__contains=[ctx.account.id])
    )


def find_image(ctx: CallContext, image_id: str) -> ImageRef:
    """The image `image_id` as RunInstances sees it, or the AWS error."""
    check_id(image_id)
    catalog = ami_catalog.find(ctx.region, image_id)
    if catalog is not None:
        return ImageRef(catalog.describe(ctx.region), catalog=catalog)
    row = _visible_rows(ctx).filter(resource_id=image_id).first()
    if row is not None:
        return ImageRef(row.describe(), row=row)
    if Image.objects.filter(region=ctx.region, resource_id=image_id).exists():
        # Another account's private image in this region.
        raise errors.AuthFailure(f"Not authorized for images: [{image_id}]")
    # AMI ids are regional: one from another region does not exist here.
    raise Image.not_found(image_id)


def own_image(ctx: CallContext, image_id: str, *, for_update: bool = False) -> Image:
    """An image the caller owns (to change or deregister it)."""
    check_id(image_id)
    qs = Image.objects.visible_to(ctx)
    if for_update:
        qs = locks.rows(qs)
    row = qs.filter(resource_id=image_id).first()
    if row is not None:
        return row
    if (
        ami_catalog.find(ctx.region, image_id)
        or _visible_rows(ctx).filter(resource_id=image_id).exists()
    ):
        raise errors.AuthFailure(f"Not authorized for image:{image_id}")
    raise Image.not_found(image_id)


# Every documented name is a path into the Image item (derived from the response
# shape) but these, which the shape's member names don't give.
FILTERS = filters.Spec(
    "DescribeImages",
    aliases={
        "is-public": ("Public",),
        "manifest-location": ("ImageLocation",),
        "product-code": ("ProductCodes", "ProductCodeId"),
        "state-reason-code": ("StateReason", "Code"),
        "state-reason-message": ("StateReason", "Message"),
        "instance-type-specification": None,  # not simulated: matches nothing
        # Older names AWS still answers.
        "platform-details": ("PlatformDetails",),
        "usage-operation": ("UsageOperation",),
    },
)


def _owner_matches(item: dict, owners: list[str], account_id: str) -> bool:
    for owner in owners:
        if owner == "self" and item["OwnerId"] == account_id:
            return True
        if owner in ("amazon", "aws-marketplace", "aws-backup-vault") and (
            item.get("ImageOwnerAlias") == owner
        ):
            return True
        if owner == item["OwnerId"]:
            return True
    return False


def _check_owners(owners: list[str]) -> None:
    for owner in owners:
        if owner not in ("self", "amazon", "aws-marketplace", "aws-backup-vault") and not (
            _ACCOUNT.match(owner)
        ):
            raise errors.InvalidUserIDMalformed(f'Invalid user id: "{owner}"')


@operation("ec2", "DescribeImages")
def describe_images(ctx: CallContext, params: dict) -> dict:
    account_id = ctx.account.id
    wanted = params.get("ImageIds") or []
    for image_id in wanted:
        check_id(image_id)
    owners = params.get("Owners") or []
    _check_owners(owners)
    items = [image.describe(ctx.region) for image in ami_catalog.CATALOG]
    items += [row.describe() for row in _visible_rows(ctx).order_by("pk")]
    if wanted:
        found = {i["ImageId"] for i in items}
        missing = [w for w in wanted if w not in found]
        # Another account's private image is left out silently; an id that does not
        # exist in this region is an error.
        private = Image.objects.filter(region=ctx.region, resource_id__in=missing)
        unknown = set(missing) - set(private.values_list("resource_id", flat=True))
        if unknown:
            raise Image.not_found(sorted(unknown)[0])
        items = [i for i in items if i["ImageId"] in wanted]
    if owners:
        items = [i for i in items if _owner_matches(i, owners, account_id)]
    executable = params.get("ExecutableUsers") or []
    if executable:
        shared = set(
            _visible_rows(ctx)
            .filter(launch_user_ids__contains=[account_id])
            .values_list("resource_id", flat=True)
        )
        items = [
            i
            for i in items
            if ("all" in executable and i["Public"])
            or (
                ("self" in executable or account_id in executable)
                and (i["OwnerId"] == account_id or i["ImageId"] in shared)
            )
        ]
    items = filters.filter_items(items, params.get("Filters"), FILTERS)
    rows, token = listing.page(
        items, params.get("MaxResults"), params.get("NextToken"), minimum=1, maximum=1000
    )
    result: dict = {"Images": rows}
    if token:
        result["NextToken"] = token
    return result


@operation("ec2", "DeregisterImage")
def deregister_image(ctx: CallContext, params: dict) -> dict:
    image = own_image(ctx, params["ImageId"], for_update=True)
    if image.deregistration_protection:
        raise errors.InvalidParameterValue(
            f"Deregistration protection is enabled for {image.resource_id}. "
            "Disable deregistration protection and try again."
        )
    ctx.touch(image)
    image.delete()  # its snapshots stay, as on AWS: they are deleted separately
    return {"Return": True}


# Attributes our images never set: AWS answers them with an empty value.
_EMPTY_ATTRIBUTES = {
    "kernel": "KernelId",
    "ramdisk": "RamdiskId",
    "tpmSupport": "TpmSupport",
    "uefiData": "UefiData",
}


def _attribute_value(value: object) -> dict:
    return {"Value": value}


@operation("ec2", "DescribeImageAttribute")
def describe_image_attribute(ctx: CallContext, params: dict) -> dict:
    attribute, image_id = params["Attribute"], params["ImageId"]
    ref = find_image(ctx, image_id)
    owned = ref.row is not None and ref.row.account_id == ctx.account.id
    data = ref.data
    result: dict = {"ImageId": image_id}
    if attribute == "description":
        result["Description"] = _attribute_value(data.get("Description", ""))
    elif attribute == "blockDeviceMapping":
        result["BlockDeviceMappings"] = data.get("BlockDeviceMappings", [])
    elif attribute == "bootMode":
        result["BootMode"] = _attribute_value(data.get("BootMode", ""))
    elif attribute == "imdsSupport":
        result["ImdsSupport"] = _attribute_value(data.get("ImdsSupport", ""))
    elif attribute == "sriovNetSupport":
        result["SriovNetSupport"] = _attribute_value(data.get("SriovNetSupport", ""))
    elif attribute == "productCodes":
        result["ProductCodes"] = []
    elif attribute in _EMPTY_ATTRIBUTES:
        result[_EMPTY_ATTRIBUTES[attribute]] = {}
    elif not owned:
        raise errors.AuthFailure(f"Not authorized for image:{image_id}")
    elif attribute == "launchPermission":
        result["LaunchPermissions"] = ref.row.launch_permissions()
    elif attribute == "lastLaunchedTime":
        result["LastLaunchedTime"] = _attribute_value(data.get("LastLaunchedTime", ""))
    elif attribute == "deregistrationProtection":
        result["DeregistrationProtection"] = _attribute_value(data["DeregistrationProtection"])
    else:
        raise errors.InvalidParameterValue(
            f"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."
        )
    return result


def _permission_changes(params: dict) -> tuple[list[dict], list[dict]]:
    """(add, remove) launch permissions, from either form AWS accepts."""
    if params.get("LaunchPermission"):
        lp = params["LaunchPermission"]
        return list(lp.get("Add") or []), list(lp.get("Remove") or [])
    if (
        params.get("Attribute") == "launchPermission"
        or params.get("UserIds")
        or params.get("UserGroups")
    ):
        perms = [{"UserId": u} for u in params.get("UserIds") or []]
        perms += [{"Group": g} for g in params.get("UserGroups") or []]
        if params.get("OperationType") == "remove":
            return [], perms
        return perms, []
    return [], []


@operation("ec2", "ModifyImageAttribute")
def modify_image_attribute(ctx: CallContext, params: dict) -> dict:
    image = own_image(ctx, params["ImageId"], for_update=True)
    description = params.get("Description")
    if description is None and params.get("Attribute") == "description":
        description = {"Value": params.get("Value", "")}
    if description is not None:
        image.description = description.get("Value", "")
    add, remove = _permission_changes(params)
    for perm in add + remove:
        group, user = perm.get("Group"), perm.get("UserId")
        if group is not None and group != "all":
            raise errors.InvalidParameterValue(f"Invalid value '{group}' for group")
        if user is not None and not _ACCOUNT.match(user):
            raise errors.InvalidUserIDMalformed(f'Invalid user id: "{user}"')
    for perm in add:
        if perm.get("Group") == "all":
            image.public = True
        elif perm.get("UserId") and perm["UserId"] not in image.launch_user_ids:
            image.launch_user_ids = [*image.launch_user_ids, perm["UserId"]]
    for perm in remove:
        if perm.get("Group") == "all":
            image.public = False
        elif perm.get("UserId"):
            image.launch_user_ids = [u for u in image.launch_user_ids if u != perm["UserId"]]
    if params.get("ImdsSupport"):
        image.imds_support = params["ImdsSupport"].get("Value", "")
    image.save()
    ctx.touch(image)
    return {}


@operation("ec2", "ResetImageAttribute")
def reset_image_attribute(ctx: CallContext, params: dict) -> dict:
    image = own_image(ctx, params["ImageId"], for_update=True)
    if params["Attribute"] != "launchPermission":
        raise errors.InvalidParameterValue(
            f"Value ({params['Attribute']}) for parameter attribute is invalid."
        )
    image.public = False
    image.launch_user_ids = []
    image.save(update_fields=["public", "launch_user_ids"])
    return {}


@operation("ec2", "CopyImage")
def copy_image(ctx: CallContext, params: dict) -> dict:
    """EC2-15: an AMI reaches another region by copying; the copy gets new snapshots."""
    source_region = params["SourceRegion"]
    if not is_region(source_region):
        raise errors.InvalidRegion(f"The region '{source_region}' does not exist.")
    source = find_image(ctx.in_region(source_region), params["SourceImageId"])
    if source.data["State"] != "available":
        raise errors.IncorrectState(f"Image {source.image_id} is not in a valid state: pending")
    name = params["Name"]
    check_name(ctx, name)
    image_id = ids.resource_id("ami")
    mappings = []
    for mapping in source.block_device_mappings:
        mapping = {**mapping, "Ebs": dict(mapping.get("Ebs") or {})}
        ebs = mapping["Ebs"]
        if ebs.get("SnapshotId"):
            snap = Snapshot(
                account=ctx.account,
                region=ctx.region,
                volume_id="vol-ffffffff",  # copies name no source volume, as on AWS
                volume_size=ebs.get("VolumeSize") or 8,
                encrypted=bool(params.get("Encrypted") or ebs.get("Encrypted")),
                description=(
                    f"Copied for DestinationAmi {image_id} from SourceAmi "
                    f"{source.image_id} for SourceSnapshot {ebs['SnapshotId']}"
                ),
                source_region=source_region,
                source_snapshot_id=ebs["SnapshotId"],
            )
            snap.begin("pending")
            ebs["SnapshotId"] = snap.resource_id
            ebs["Encrypted"] = snap.encrypted
        mappings.append(mapping)
    data = source.data
    image = Image(
        resource_id=image_id,
        account=ctx.account,
        region=ctx.region,
        image_name=name,
        description=params.get("Description", data.get("Description", "")),
        architecture=data["Architecture"],
        platform=data.get("Platform", ""),
        platform_details=data["PlatformDetails"],
        usage_operation=data["UsageOperation"],
        root_device_name=data["RootDeviceName"],
        boot_mode=data.get("BootMode", ""),
        imds_support=data.get("ImdsSupport", ""),
        block_device_mappings=mappings,
        source_image_id=source.image_id,
        source_image_region=source_region,
        tags=describe.tags_from_specifications(params, "image"),
    )
    if params.get("CopyImageTags") and source.row is not None:
        image.tags = {**source.row.tags, **image.tags}
    image.begin("pending")
    ctx.touch(image)
    return {"ImageId": image.resource_id}


def check_name(ctx: CallContext, name: str) -> None:
    """AMI names: 3-128 characters of a small alphabet, unique per account and region."""
    if not re.fullmatch(r"[A-Za-z0-9()\[\] ./\-'@_]{3,128}", name or ""):
        raise errors.InvalidAMINameMalformed(
            "AMI names must be between 3 and 128 characters long, and may contain letters, "
            "numbers, '(', ')', '.', '-', '/' and '_'"
        )
    clash = Image.objects.visible_to(ctx).filter(image_name=name).first()
    if clash is not None:
        raise errors.InvalidAMINameDuplicate(
            f"AMI name {name} is already in use by AMI {clash.resource_id}"
        )
