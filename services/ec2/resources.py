"""How EC2's resource types appear in the console and the REST API."""

from __future__ import annotations

from django import forms

from services.core import registry
from services.core.registry import Action, Column, ResourceType, Service
from services.ec2.models import Volume

registry.register_service(
    Service("ec2", "EC2", "Virtual servers in the cloud", "Compute", home_url_name="ec2:home")
)


class VolumeForm(forms.Form):
    """The 'Create volume' page."""

    VolumeType = forms.ChoiceField(
        label="Volume type",
        choices=[
            ("gp3", "General Purpose SSD (gp3)"),
            ("gp2", "General Purpose SSD (gp2)"),
            ("io1", "Provisioned IOPS SSD (io1)"),
            ("io2", "Provisioned IOPS SSD (io2)"),
            ("st1", "Throughput Optimized HDD (st1)"),
            ("sc1", "Cold HDD (sc1)"),
            ("standard", "Magnetic (standard)"),
        ],
        initial="gp3",
    )
    Size = forms.IntegerField(label="Size (GiB)", initial=100, min_value=1, max_value=65536)
    Iops = forms.IntegerField(label="IOPS", required=False, min_value=100)
    AvailabilityZone = forms.ChoiceField(label="Availability Zone")
    Encrypted = forms.BooleanField(label="Encrypt this volume", required=False)
    Name = forms.CharField(label="Name tag", required=False, max_length=256)

    def __init__(self, *args, zones: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["AvailabilityZone"].choices = [(z, z) for z in zones or []]


def volume_create_params(data: dict) -> dict:
    params = {k: v for k, v in data.items() if k != "Name" and v not in (None, "")}
    if data.get("Name"):
        params["TagSpecifications"] = [
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": data["Name"]}]}
        ]
    return params


VOLUMES = registry.register(
    ResourceType(
        service="ec2",
        slug="volumes",
        model=Volume,
        label="Volume",
        label_plural="Volumes",
        nav_section="Elastic Block Store",
        columns=(
            Column("Name", "name"),
            Column("Volume ID", "resource_id", kind="id", link=True),
            Column("Type", "volume_type"),
            Column("Size", "size_label"),
            Column("IOPS", "iops"),
            Column("Volume state", "state", kind="state"),
            Column("Availability Zone", "availability_zone"),
            Column("Created", "created_at", kind="datetime"),
            Column("Encryption", "encryption_label"),
        ),
        detail_fields=(
            Column("Volume ID", "resource_id", kind="id"),
            Column("Size", "size_label"),
            Column("Type", "volume_type"),
            Column("Volume state", "state", kind="state"),
            Column("IOPS", "iops"),
            Column("Throughput", "throughput"),
            Column("Encryption", "encryption_label"),
            Column("Availability Zone", "availability_zone"),
            Column("Snapshot", "snapshot_id"),
            Column("Created", "created_at", kind="datetime"),
            Column("Multi-Attach enabled", "multi_attach_enabled"),
            Column("ARN", "arn", kind="code"),
        ),
        actions=(
            Action(
                "Delete volume",
                "DeleteVolume",
                params=lambda rows: {"VolumeId": rows[0].resource_id},
                confirm="Delete volume? This can't be undone.",
                typed_confirmation="delete",
                destructive=True,
                enabled=lambda v: v.state in ("available", "error", "creating"),
            ),
        ),
        create_operation="CreateVolume",
        create_form=VolumeForm,
        create_params=volume_create_params,
        search_fields=("resource_id", "volume_type", "availability_zone", "state"),
    )
)
