"""Instance attributes and the console output: DescribeInstanceAttribute,
ModifyInstanceAttribute, GetConsoleOutput."""

from __future__ import annotations

import base64

from django.utils import timezone

from services.core.context import CallContext
from services.core.operations import operation
from services.ec2 import ami_catalog, enums, errors, instance_types
from services.ec2.instances import get_instance
from services.ec2.launch import USER_DATA_LIMIT
from services.ec2.models import Instance
from services.vpc import network

# Attributes our instances never set: AWS answers them with an empty value.
_EMPTY = {"kernel": "KernelId", "ramdisk": "RamdiskId", "sriovNetSupport": "SriovNetSupport"}


def _value(value: object) -> dict:
    return {"Value": value}


@operation("ec2", "DescribeInstanceAttribute")
def describe_instance_attribute(ctx: CallContext, params: dict) -> dict:
    instance = get_instance(ctx, params["InstanceId"])
    attribute = params["Attribute"]
    result: dict = {"InstanceId": instance.resource_id}
    if attribute == "instanceType":
        result["InstanceType"] = _value(instance.instance_type)
    elif attribute == "userData":
        result["UserData"] = _value(instance.user_data) if instance.user_data else {}
    elif attribute == "disableApiTermination":
        result["DisableApiTermination"] = _value(instance.disable_api_termination)
    elif attribute == "disableApiStop":
        result["DisableApiStop"] = _value(instance.disable_api_stop)
    elif attribute == "instanceInitiatedShutdownBehavior":
        result["InstanceInitiatedShutdownBehavior"] = _value(instance.shutdown_behavior)
    elif attribute == "rootDeviceName":
        result["RootDeviceName"] = _value(instance.root_device_name)
    elif attribute == "blockDeviceMapping":
        result["BlockDeviceMappings"] = instance.block_device_mappings()
    elif attribute == "groupSet":
        result["Groups"] = [
            {"GroupId": g.resource_id, "GroupName": g.group_name} for g in instance.security_groups
        ]
    elif attribute == "sourceDestCheck":
        result["SourceDestCheck"] = _value(instance.eni.source_dest_check if instance.eni else True)
    elif attribute == "ebsOptimized":
        result["EbsOptimized"] = _value(instance.ebs_optimized)
    elif attribute == "enaSupport":
        result["EnaSupport"] = _value(True)
    elif attribute == "productCodes":
        result["ProductCodes"] = []
    elif attribute in _EMPTY:
        result[_EMPTY[attribute]] = {}
    elif attribute == "enclaveOptions":
        result["EnclaveOptions"] = {"Enabled": False}
    else:
        raise errors.InvalidParameterValue(
            f"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."
        )
    return result


def _must_be_stopped(instance: Instance) -> None:
    if instance.state != "stopped":
        raise errors.IncorrectInstanceState(
            f"The instance '{instance.resource_id}' is not in the 'stopped' state."
        )


def _changes(params: dict) -> dict:
    """The attribute changes asked for, from either form AWS accepts (a named member, or
    Attribute plus Value)."""
    changes = {}
    for member in (
        "DisableApiTermination",
        "DisableApiStop",
        "InstanceType",
        "InstanceInitiatedShutdownBehavior",
        "UserData",
        "SourceDestCheck",
        "EbsOptimized",
    ):
        if params.get(member) is not None:
            changes[member] = params[member].get("Value")
    if params.get("Groups"):
        changes["Groups"] = params["Groups"]
    if params.get("BlockDeviceMappings"):
        changes["BlockDeviceMappings"] = params["BlockDeviceMappings"]
    attribute = params.get("Attribute")
    if attribute:
        name = attribute[0].upper() + attribute[1:]
        if name == "GroupSet":
            name = "Groups"
        changes[name] = params.get("Value")
    if not changes:
        raise errors.InvalidParameterCombination("No attributes specified.")
    if len(changes) > 1:
        raise errors.InvalidParameterCombination(
            "Fields for multiple attribute types specified: " + ", ".join(changes)
        )
    return changes


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


@operation("ec2", "ModifyInstanceAttribute")
def modify_instance_attribute(ctx: CallContext, params: dict) -> dict:
    instance = get_instance(ctx, params["InstanceId"], for_update=True)
    if instance.state == "terminated":
        raise errors.IncorrectInstanceState(
            f"The instance '{instance.resource_id}' is not in a state from which it can be "
            "modified."
        )
    ((name, value),) = _changes(params).items()
    if name == "DisableApiTermination":
        instance.disable_api_termination = _bool(value)
    elif name == "DisableApiStop":
        instance.disable_api_stop = _bool(value)
    elif name == "InstanceType":
        # EC2-07: the type changes only while the instance is stopped.
        _must_be_stopped(instance)
        itype = instance_types.require(str(value), instance.availability_zone)
        if instance.architecture not in itype.architectures:
            raise errors.InvalidInstanceAttributeValue(
                f"The instance type '{itype.name}' does not support the '"
                f"{instance.architecture}' architecture of instance '{instance.resource_id}'."
            )
        instance.instance_type = itype.name
    elif name == "InstanceInitiatedShutdownBehavior":
        if value not in enums.SHUTDOWN_BEHAVIORS:
            raise errors.InvalidParameterValue(
                f"Value ({value}) for parameter instanceInitiatedShutdownBehavior is invalid."
            )
        instance.shutdown_behavior = value
    elif name == "UserData":
        _must_be_stopped(instance)
        raw = value if isinstance(value, bytes) else str(value or "").encode()
        if len(raw) > USER_DATA_LIMIT:
            raise errors.InvalidParameterValue("User data is limited to 16384 bytes")
        instance.user_data = base64.b64encode(raw).decode() if raw else ""
    elif name == "SourceDestCheck":
        if instance.eni is not None:
            instance.eni.source_dest_check = _bool(value)
            instance.eni.save(update_fields=["source_dest_check"])
    elif name == "EbsOptimized":
        _must_be_stopped(instance)
        instance.ebs_optimized = _bool(value)
    elif name == "Groups":
        if instance.eni is None:
            raise errors.IncorrectInstanceState("The instance has no network interface.")
        vpc = instance.eni.vpc
        groups = network.security_groups(ctx, vpc, list(value or []))
        instance.eni.security_groups.set(groups)
    elif name == "BlockDeviceMappings":
        for mapping in value:
            ebs = mapping.get("Ebs") or {}
            attachment = instance.volume_attachments.filter(
                device=mapping.get("DeviceName")
            ).first()
            if attachment is None:
                raise errors.InvalidInstanceAttributeValue(
                    f"No device is currently mapped at {mapping.get('DeviceName')}"
                )
            if "DeleteOnTermination" in ebs:
                attachment.delete_on_termination = bool(ebs["DeleteOnTermination"])
                attachment.save(update_fields=["delete_on_termination"])
    else:
        raise errors.InvalidParameterValue(
            f"Value ({params.get('Attribute') or name}) for parameter attribute is invalid."
        )
    instance.save()
    ctx.touch(instance)
    return {}


# --- the console output: a plausible boot log ----------------------------------------


def _user_data_text(instance: Instance) -> str:
    try:
        return base64.b64decode(instance.user_data).decode(errors="replace")
    except ValueError:
        return ""


def console_output(instance: Instance) -> str:
    """What the serial console shows for the last boot. User data runs at the first
    boot only (EC2-08): later boots say so."""
    if instance.boot_count == 0:
        return ""
    catalog = ami_catalog.find(instance.region, instance.image_id)
    os_name = catalog.os if catalog else "Linux"
    user = catalog.default_user if catalog else "ec2-user"
    host = instance.private_dns_name.split(".")[0] or "localhost"
    boot = instance.last_boot_at or instance.launch_time
    stamp = boot.strftime("%a, %d %b %Y %H:%M:%S +0000")
    lines = [
        "[    0.000000] Linux version 6.1.115 (mockbuild@stratolab) #1 SMP",
        f"[    0.000000] Command line: root={instance.root_device_name} console=ttyS0",
        f"[    0.512000] {os_name} booting on {instance.instance_type}",
        f"[    1.904000] EXT4-fs ({instance.root_device_name.rsplit('/', 1)[-1]}): mounted",
        f"Cloud-init v. 22.2.2 running 'init' at {stamp}. Up 4.30 seconds.",
        f"ci-info: | eth0 | True | {instance.private_ip_address or '-'} | 255.255.240.0 |",
        f"Cloud-init v. 22.2.2 running 'modules:config' at {stamp}. Up 6.12 seconds.",
    ]
    if instance.key_name:
        lines.append(f"ci-info: ++++++Authorized keys from /home/{user}/.ssh/authorized_keys")
        lines.append(f"ci-info: | ssh key for {instance.key_name} installed for {user} |")
    script = _user_data_text(instance)
    if script and instance.boot_count == 1:
        lines.append(f"Cloud-init v. 22.2.2 running 'modules:final' at {stamp}.")
        lines.append("Running user data script (scripts-user) at first boot")
        lines.extend(f"+ {line}" for line in script.splitlines()[:20] if line.strip())
    elif script:
        lines.append(
            "Skipping modules 'scripts-user' because user data already ran on the first boot"
        )
    lines.append(
        f"Cloud-init v. 22.2.2 finished at {stamp}. Datasource DataSourceEc2Local. Up 9.87 seconds"
    )
    lines.append("")
    lines.append(f"{os_name}")
    lines.append(f"{host} login: ")
    return "\n".join(lines) + "\n"


@operation("ec2", "GetConsoleOutput")
def get_console_output(ctx: CallContext, params: dict) -> dict:
    instance = get_instance(ctx, params["InstanceId"])
    text = console_output(instance)
    result: dict = {"InstanceId": instance.resource_id, "Timestamp": timezone.now()}
    if text:
        # The API returns the output base64-encoded; the AWS CLI decodes it.
        result["Output"] = base64.b64encode(text.encode()).decode()
    return result
