"""The forms of EC2's own console pages: the Launch instance page, key pairs, and the
instance and volume modals. Each turns into the params of one AWS action."""

from __future__ import annotations

import base64
import ipaddress
import uuid

from django import forms

from services.core.context import CallContext
from services.core.views.access import readable
from services.ec2 import ami_catalog, enums, instance_types
from services.ec2.models import Image, Instance, KeyPair, PlacementGroup
from services.vpc.network import SecurityGroup, Subnet, Vpc

VOLUME_TYPES = enums.choices("VolumeType", enums.LAUNCH_VOLUME_TYPE_LABELS)
EXTRA_VOLUMES = 3  # "Add new volume" rows on the launch page
EXTRA_TAGS = 3


class OptionAttrsSelect(forms.Select):
    """A select whose options carry data attributes (`option_attrs[value]`), so the page
    script can filter subnets by VPC or instance types by architecture."""

    def __init__(self, *args, option_attrs: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.option_attrs = option_attrs or {}

    def create_option(
        self,
        name: str,
        value: object,
        label: str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict | None = None,
    ) -> dict:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_attrs.get(str(value), {}))
        return option


class OptionAttrsSelectMultiple(OptionAttrsSelect, forms.SelectMultiple):
    allow_multiple_selected = True


def _gib(size: float) -> str:
    return f"{size:g} GiB"


def image_choices(ctx: CallContext) -> tuple[list, dict]:
    """The AMI picker: the quick-start images by OS, then the account's own AMIs."""
    groups, attrs = [], {}
    for os_name in ami_catalog.QUICK_START:
        options = []
        for image in ami_catalog.images_for(os_name):
            image_id = image.image_id(ctx.region)
            arch = image.architecture
            label = f"{image.title} · {image_id} ({arch})"
            if image.free_tier:
                label += " · Free tier eligible"
            options.append((image_id, label))
            attrs[image_id] = {
                "data-os": os_name,
                "data-arch": arch,
                "data-root-size": image.root_size,
                "data-root-device": image.root_device_name,
                "data-platform": image.platform or "linux",
                "data-name": image.name,
                "data-description": image.description,
            }
        groups.append((os_name, options))
    own = readable(ctx, Image).filter(state="available").order_by("image_name")
    mine = []
    for image in own:
        root = next(
            (
                m.get("Ebs", {}).get("VolumeSize", 8)
                for m in image.block_device_mappings
                if m.get("DeviceName") == image.root_device_name
            ),
            8,
        )
        mine.append((image.resource_id, f"{image.image_name} · {image.resource_id}"))
        attrs[image.resource_id] = {
            "data-os": "My AMIs",
            "data-arch": image.architecture,
            "data-root-size": root,
            "data-root-device": image.root_device_name,
            "data-platform": image.platform or "linux",
            "data-name": image.image_name,
            "data-description": image.description,
        }
    if mine:
        groups.append(("My AMIs", mine))
    return groups, attrs


def instance_type_choices() -> tuple[list, dict]:
    choices, attrs = [], {}
    for itype in instance_types.all_types():
        if not itype.family.current_generation:
            continue
        label = f"{itype.name} · {itype.vcpus} vCPU · {_gib(itype.spec.memory_gib)} memory" + (
            " · Free tier eligible" if itype.free_tier else ""
        )
        choices.append((itype.name, label))
        attrs[itype.name] = {"data-arch": " ".join(itype.architectures)}
    return choices, attrs


class LaunchForm(forms.Form):
    """EC2's "Launch an instance" page, one long form."""

    Name = forms.CharField(label="Name", required=False, max_length=256)
    ImageId = forms.ChoiceField(label="Amazon Machine Image (AMI)")
    InstanceType = forms.ChoiceField(label="Instance type", initial="t2.micro")
    KeyName = forms.ChoiceField(label="Key pair name", required=False)
    VpcId = forms.ChoiceField(label="VPC")
    SubnetId = forms.ChoiceField(label="Subnet", required=False)
    AutoAssignPublicIp = forms.ChoiceField(
        label="Auto-assign public IP",
        choices=[("enable", "Enable"), ("disable", "Disable")],
        initial="enable",
    )
    firewall = forms.ChoiceField(
        label="Firewall (security groups)",
        choices=[
            ("create", "Create security group"),
            ("existing", "Select existing security group"),
        ],
        initial="create",
        widget=forms.RadioSelect,
    )
    group_name = forms.CharField(label="Security group name", required=False, max_length=255)
    group_description = forms.CharField(label="Description", required=False, max_length=255)
    allow_ssh = forms.BooleanField(label="Allow SSH traffic from", required=False, initial=True)
    ssh_source = forms.ChoiceField(
        label="Source",
        choices=[("anywhere", "Anywhere 0.0.0.0/0"), ("myip", "My IP"), ("custom", "Custom")],
        initial="anywhere",
        required=False,
    )
    ssh_cidr = forms.CharField(label="Custom source (CIDR)", required=False, max_length=18)
    allow_https = forms.BooleanField(label="Allow HTTPS traffic from the internet", required=False)
    allow_http = forms.BooleanField(label="Allow HTTP traffic from the internet", required=False)
    SecurityGroupIds = forms.MultipleChoiceField(label="Common security groups", required=False)
    root_size = forms.IntegerField(label="Root volume size (GiB)", min_value=1, initial=8)
    root_type = forms.ChoiceField(label="Root volume type", choices=VOLUME_TYPES, initial="gp3")
    InstanceInitiatedShutdownBehavior = forms.ChoiceField(
        label="Shutdown behavior",
        choices=enums.choices("ShutdownBehavior", enums.SHUTDOWN_LABELS),
        initial="stop",
    )
    DisableApiTermination = forms.BooleanField(label="Termination protection", required=False)
    DisableApiStop = forms.BooleanField(label="Stop protection", required=False)
    UserData = forms.CharField(
        label="User data", required=False, strip=False, widget=forms.Textarea
    )
    user_data_encoded = forms.BooleanField(
        label="User data has already been base64 encoded", required=False
    )
    count = forms.IntegerField(label="Number of instances", min_value=1, max_value=100, initial=1)
    client_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Advanced details: the account's placement groups in the region (RunInstances'
    # Placement.GroupName).
    placement_group = forms.ChoiceField(label="Placement group", required=False)

    def __init__(self, *args, ctx: CallContext, client_ip: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ctx = ctx
        self.client_ip = client_ip
        for n in range(1, EXTRA_TAGS + 1):
            self.fields[f"tag_key_{n}"] = forms.CharField(
                label="Key", required=False, max_length=128
            )
            self.fields[f"tag_value_{n}"] = forms.CharField(
                label="Value", required=False, max_length=256
            )
        for n in range(1, EXTRA_VOLUMES + 1):
            self.fields[f"volume_{n}_size"] = forms.IntegerField(
                label="Size (GiB)", required=False, min_value=1
            )
            self.fields[f"volume_{n}_type"] = forms.ChoiceField(
                label="Volume type", choices=VOLUME_TYPES, initial="gp3", required=False
            )
            self.fields[f"volume_{n}_device"] = forms.CharField(
                label="Device name", required=False, initial=f"/dev/sd{'bcd'[n - 1]}"
            )
        images, image_attrs = image_choices(ctx)
        self.fields["ImageId"].widget = OptionAttrsSelect(option_attrs=image_attrs)
        self.fields["ImageId"].choices = images
        self.image_attrs = image_attrs
        self.fields["ImageId"].initial = ami_catalog.default_image().image_id(ctx.region)
        types, type_attrs = instance_type_choices()
        self.fields["InstanceType"].widget = OptionAttrsSelect(option_attrs=type_attrs)
        self.fields["InstanceType"].choices = types
        keys = readable(ctx, KeyPair).order_by("key_name")
        self.fields["KeyName"].choices = [("", "Proceed without a key pair (Not recommended)")] + [
            (k.key_name, f"{k.key_name} ({k.key_type})") for k in keys
        ]
        placement = readable(ctx, PlacementGroup).exclude(state="deleting").order_by("group_name")
        self.fields["placement_group"].choices = [("", "Select a placement group")] + [
            (g.group_name, f"{g.group_name} ({g.strategy})") for g in placement
        ]
        vpcs = list(readable(ctx, Vpc).order_by("-is_default", "created_at"))
        self.vpcs = {v.resource_id: v for v in vpcs}
        self.fields["VpcId"].choices = [
            (v.resource_id, f"{v.resource_id} ({v.name or v.cidr_block})"
             + (" (default)" if v.is_default else ""))
            for v in vpcs
        ]  # fmt: skip
        if vpcs:
            self.fields["VpcId"].initial = vpcs[0].resource_id
        subnets = (
            readable(ctx, Subnet).select_related("vpc").order_by("availability_zone", "created_at")
        )
        self.fields["SubnetId"].widget = OptionAttrsSelect(
            option_attrs={
                s.resource_id: {
                    "data-vpc": s.vpc.resource_id,
                    "data-public": "true" if s.map_public_ip_on_launch else "false",
                }
                for s in subnets
            }
        )
        self.fields["SubnetId"].choices = [("", "No preference (default subnet in any AZ)")] + [
            (
                s.resource_id,
                f"{s.resource_id} · {s.name or s.cidr_block} · {s.availability_zone}"
                + (" · Default" if s.default_for_az else ""),
            )
            for s in subnets
        ]
        groups = readable(ctx, SecurityGroup).select_related("vpc").order_by("group_name")
        self.fields["SecurityGroupIds"].widget = OptionAttrsSelectMultiple(
            option_attrs={g.resource_id: {"data-vpc": g.vpc.resource_id} for g in groups}
        )
        self.fields["SecurityGroupIds"].choices = [
            (g.resource_id, f"{g.group_name} ({g.resource_id})") for g in groups
        ]
        number = (
            readable(ctx, SecurityGroup).filter(group_name__startswith="launch-wizard-").count() + 1
        )
        self.fields["group_name"].initial = f"launch-wizard-{number}"
        self.fields["group_description"].initial = f"launch-wizard-{number} created by Stratolab"
        self.fields["client_token"].initial = str(uuid.uuid4())

    # --- checks the page makes before calling anything ------------------------------

    def clean(self) -> dict:
        data = super().clean()
        if data.get("firewall") == "create":
            if not data.get("group_name"):
                self.add_error("group_name", "Enter a name for the new security group.")
            if data.get("allow_ssh") and data.get("ssh_source") == "custom":
                try:
                    ipaddress.IPv4Network(data.get("ssh_cidr") or "", strict=False)
                except ValueError:
                    self.add_error("ssh_cidr", "Enter a CIDR block such as 203.0.113.0/24.")
        elif not data.get("SecurityGroupIds"):
            self.add_error("SecurityGroupIds", "Select at least one security group.")
        for n in range(1, EXTRA_VOLUMES + 1):
            if data.get(f"volume_{n}_size") and not data.get(f"volume_{n}_device"):
                self.add_error(f"volume_{n}_device", "Enter a device name such as /dev/sdb.")
        if data.get("UserData") and data.get("user_data_encoded"):
            try:
                base64.b64decode(data["UserData"], validate=True)
            except ValueError:
                self.add_error("UserData", "This is not valid base64.")
        return data

    # --- what the page sends ----------------------------------------------------------

    @property
    def is_windows(self) -> bool:
        attrs = self.image_attrs.get(self.cleaned_data.get("ImageId", ""), {})
        return attrs.get("data-platform") == "windows"

    @property
    def root_device(self) -> str:
        attrs = self.image_attrs.get(self.cleaned_data.get("ImageId", ""), {})
        return attrs.get("data-root-device", "/dev/xvda")

    def ingress_permissions(self) -> list[dict]:
        """The inbound rules of the security group the page creates."""
        data = self.cleaned_data
        perms = []
        if data.get("allow_ssh"):
            source = data.get("ssh_source") or "anywhere"
            cidr = "0.0.0.0/0"
            if source == "myip" and self.client_ip:
                cidr = f"{self.client_ip}/32"
            elif source == "custom":
                cidr = str(ipaddress.IPv4Network(data["ssh_cidr"], strict=False))
            port = 3389 if self.is_windows else 22
            perms.append(_rule(port, cidr))
        if data.get("allow_https"):
            perms.append(_rule(443, "0.0.0.0/0"))
        if data.get("allow_http"):
            perms.append(_rule(80, "0.0.0.0/0"))
        return perms

    def tags(self) -> list[dict]:
        data = self.cleaned_data
        tags = []
        if data.get("Name"):
            tags.append({"Key": "Name", "Value": data["Name"]})
        for n in range(1, EXTRA_TAGS + 1):
            key = (data.get(f"tag_key_{n}") or "").strip()
            if key:
                tags.append({"Key": key, "Value": data.get(f"tag_value_{n}") or ""})
        return tags

    def run_params(self, group_ids: list[str]) -> dict:
        """The RunInstances request of this page."""
        data = self.cleaned_data
        vpc = self.vpcs.get(data["VpcId"])
        subnet_id = data.get("SubnetId") or ""
        if not subnet_id and vpc is not None and not vpc.is_default:
            first = vpc.subnets.order_by("availability_zone").first()
            subnet_id = first.resource_id if first else ""
        interface: dict = {
            "DeviceIndex": 0,
            "Groups": group_ids,
            "AssociatePublicIpAddress": data["AutoAssignPublicIp"] == "enable",
            "DeleteOnTermination": True,
        }
        if subnet_id:
            interface["SubnetId"] = subnet_id
        mappings = [
            {
                "DeviceName": self.root_device,
                "Ebs": {
                    "VolumeSize": data["root_size"],
                    "VolumeType": data["root_type"],
                    "DeleteOnTermination": True,
                },
            }
        ]
        for n in range(1, EXTRA_VOLUMES + 1):
            if data.get(f"volume_{n}_size"):
                mappings.append(
                    {
                        "DeviceName": data[f"volume_{n}_device"],
                        "Ebs": {
                            "VolumeSize": data[f"volume_{n}_size"],
                            "VolumeType": data.get(f"volume_{n}_type") or "gp3",
                            "DeleteOnTermination": False,
                        },
                    }
                )
        params: dict = {
            "ImageId": data["ImageId"],
            "InstanceType": data["InstanceType"],
            "MinCount": data["count"],
            "MaxCount": data["count"],
            "NetworkInterfaces": [interface],
            "BlockDeviceMappings": mappings,
            "InstanceInitiatedShutdownBehavior": data["InstanceInitiatedShutdownBehavior"],
            "DisableApiTermination": bool(data.get("DisableApiTermination")),
            "DisableApiStop": bool(data.get("DisableApiStop")),
        }
        if data.get("client_token"):
            params["ClientToken"] = data["client_token"]
        if data.get("KeyName"):
            params["KeyName"] = data["KeyName"]
        if data.get("placement_group"):
            params["Placement"] = {"GroupName": data["placement_group"]}
        user_data = data.get("UserData") or ""
        if user_data:
            params["UserData"] = (
                user_data.strip()
                if data.get("user_data_encoded")
                else base64.b64encode(user_data.replace("\r\n", "\n").encode()).decode()
            )
        tags = self.tags()
        if tags:
            params["TagSpecifications"] = [
                {"ResourceType": "instance", "Tags": tags},
                {"ResourceType": "volume", "Tags": tags},
            ]
        return params


def _rule(port: int, cidr: str) -> dict:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": cidr}],
    }


# --- key pairs -----------------------------------------------------------------------------


class CreateKeyPairForm(forms.Form):
    KeyName = forms.CharField(
        label="Name",
        max_length=255,
        help_text="The name can include up to 255 ASCII characters. It can't include leading "
        "or trailing spaces.",
    )
    KeyType = forms.ChoiceField(
        label="Key pair type",
        choices=enums.choices("KeyType", enums.KEY_TYPE_LABELS),
        initial="rsa",
        widget=forms.RadioSelect,
    )
    KeyFormat = forms.ChoiceField(
        label="Private key file format",
        choices=enums.choices("KeyFormat", enums.KEY_FORMAT_LABELS),
        initial="pem",
        widget=forms.RadioSelect,
    )


class ImportKeyPairForm(forms.Form):
    KeyName = forms.CharField(label="Name", max_length=255)
    PublicKeyMaterial = forms.CharField(
        label="Public key contents",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "ssh-ed25519 AAAA... me@laptop"}),
        help_text="An OpenSSH public key (ssh-rsa or ssh-ed25519), as in ~/.ssh/id_ed25519.pub.",
    )


# --- instance and volume modals -----------------------------------------------------------


class InstanceSettingsForm(forms.Form):
    InstanceType = forms.ChoiceField(label="Instance type", required=False)
    DisableApiTermination = forms.BooleanField(
        label="Enable termination protection", required=False
    )
    DisableApiStop = forms.BooleanField(label="Enable stop protection", required=False)
    InstanceInitiatedShutdownBehavior = forms.ChoiceField(
        label="Shutdown behavior",
        choices=enums.choices("ShutdownBehavior", enums.SHUTDOWN_LABELS),
    )

    def __init__(self, *args, instance: Instance, **kwargs) -> None:
        initial = {
            "InstanceType": instance.instance_type,
            "DisableApiTermination": instance.disable_api_termination,
            "DisableApiStop": instance.disable_api_stop,
            "InstanceInitiatedShutdownBehavior": instance.shutdown_behavior,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.instance = instance
        self.fields["InstanceType"].choices = [
            (t.name, f"{t.name} · {t.vcpus} vCPU · {_gib(t.spec.memory_gib)}")
            for t in instance_types.all_types()
            if instance.architecture in t.architectures
        ]
        if instance.state != "stopped":
            self.fields["InstanceType"].disabled = True
            self.fields[
                "InstanceType"
            ].help_text = "To change the instance type, stop the instance first."

    def changes(self) -> list[dict]:
        """One ModifyInstanceAttribute request per changed attribute."""
        data, inst = self.cleaned_data, self.instance
        out = []
        if not self.fields["InstanceType"].disabled and data.get("InstanceType") not in (
            None,
            "",
            inst.instance_type,
        ):
            out.append({"InstanceType": {"Value": data["InstanceType"]}})
        if data["DisableApiTermination"] != inst.disable_api_termination:
            out.append({"DisableApiTermination": {"Value": data["DisableApiTermination"]}})
        if data["DisableApiStop"] != inst.disable_api_stop:
            out.append({"DisableApiStop": {"Value": data["DisableApiStop"]}})
        if data["InstanceInitiatedShutdownBehavior"] != inst.shutdown_behavior:
            out.append(
                {
                    "InstanceInitiatedShutdownBehavior": {
                        "Value": data["InstanceInitiatedShutdownBehavior"]
                    }
                }
            )
        return [{"InstanceId": inst.resource_id, **change} for change in out]


class CreateImageForm(forms.Form):
    InstanceId = forms.ChoiceField(label="Instance ID")
    Name = forms.CharField(label="Image name", max_length=128)
    Description = forms.CharField(label="Image description", required=False, max_length=255)
    reboot = forms.BooleanField(label="Reboot instance", required=False, initial=True)

    def __init__(self, *args, ctx: CallContext, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instances = readable(ctx, Instance).filter(state__in=("running", "stopped"))
        self.fields["InstanceId"].choices = [
            (i.resource_id, f"{i.resource_id} ({i.name})" if i.name else i.resource_id)
            for i in instances.order_by("-launch_time")
        ]

    def params(self) -> dict:
        data = self.cleaned_data
        params = {"InstanceId": data["InstanceId"], "Name": data["Name"]}
        if data.get("Description"):
            params["Description"] = data["Description"]
        # The console asks "Reboot instance"; the API's flag is the opposite.
        params["NoReboot"] = not data.get("reboot")
        return params


class AttachVolumeForm(forms.Form):
    InstanceId = forms.ChoiceField(label="Instance")
    Device = forms.CharField(label="Device name", initial="/dev/sdf", max_length=32)

    def __init__(self, *args, ctx: CallContext, zone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # EBS-01: only instances in the volume's Availability Zone are offered.
        instances = readable(ctx, Instance).filter(
            availability_zone=zone, state__in=("running", "stopped")
        )
        self.fields["InstanceId"].choices = [
            (i.resource_id, f"{i.resource_id} ({i.name}) ({i.state})" if i.name
             else f"{i.resource_id} ({i.state})")
            for i in instances.order_by("-launch_time")
        ]  # fmt: skip
        self.fields["InstanceId"].help_text = f"Only instances in {zone} are shown."
