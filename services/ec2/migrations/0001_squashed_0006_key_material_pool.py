# Migrations 0001-0006 squashed into one CreateModels of the models as they stand
# after 0006_key_material_pool, so a fresh `migrate` renders the migration state once
# (services/core/migration_ops.py).
# Databases that applied them are unchanged; a migration that depends on one of them
# resolves to this one through `replaces`. The RunPython steps that sealed existing
# rows are left out: a new database has no rows to seal.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import services.core.migration_ops
import services.core.sealed


class Migration(migrations.Migration):
    replaces = [
        ("ec2", "0001_initial"),
        ("ec2", "0002_images_keypairs_snapshots"),
        ("ec2", "0003_instances_attachments"),
        ("ec2", "0004_placement_groups"),
        ("ec2", "0005_instance_placement_group"),
        ("ec2", "0006_key_material_pool"),
    ]

    initial = True

    dependencies = [
        ("core", "0001_initial"),
        ("core", "0003_seal_access_key_secrets"),
        ("vpc", "0001_initial"),
    ]

    operations = [
        services.core.migration_ops.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Volume",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("state", models.CharField(db_index=True, max_length=32)),
                        ("next_state", models.CharField(blank=True, default="", max_length=32)),
                        ("due_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "state_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("availability_zone", models.CharField(max_length=32)),
                        ("size", models.PositiveIntegerField()),
                        ("volume_type", models.CharField(default="gp3", max_length=16)),
                        ("iops", models.PositiveIntegerField(blank=True, null=True)),
                        ("throughput", models.PositiveIntegerField(blank=True, null=True)),
                        ("encrypted", models.BooleanField(default=False)),
                        ("snapshot_id", models.CharField(blank=True, default="", max_length=32)),
                        ("multi_attach_enabled", models.BooleanField(default=False)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("size__gte", 1), ("size__lte", 65536)),
                                name="volume_size_range",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Snapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("state", models.CharField(db_index=True, max_length=32)),
                        ("next_state", models.CharField(blank=True, default="", max_length=32)),
                        ("due_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "state_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("volume_id", models.CharField(max_length=32)),
                        ("volume_size", models.PositiveIntegerField()),
                        ("description", models.CharField(blank=True, default="", max_length=255)),
                        ("encrypted", models.BooleanField(default=False)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        ("source_region", models.CharField(blank=True, default="", max_length=32)),
                        (
                            "source_snapshot_id",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="Image",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("state", models.CharField(db_index=True, max_length=32)),
                        ("next_state", models.CharField(blank=True, default="", max_length=32)),
                        ("due_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "state_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("image_name", models.CharField(max_length=128)),
                        ("description", models.CharField(blank=True, default="", max_length=255)),
                        ("architecture", models.CharField(default="x86_64", max_length=16)),
                        ("platform", models.CharField(blank=True, default="", max_length=16)),
                        ("platform_details", models.CharField(default="Linux/UNIX", max_length=64)),
                        (
                            "usage_operation",
                            models.CharField(default="RunInstances", max_length=32),
                        ),
                        ("root_device_name", models.CharField(default="/dev/xvda", max_length=32)),
                        ("virtualization_type", models.CharField(default="hvm", max_length=16)),
                        ("ena_support", models.BooleanField(default=True)),
                        ("boot_mode", models.CharField(blank=True, default="", max_length=16)),
                        ("imds_support", models.CharField(blank=True, default="", max_length=8)),
                        ("block_device_mappings", models.JSONField(default=list)),
                        (
                            "source_instance_id",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        (
                            "source_image_id",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        (
                            "source_image_region",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        ("public", models.BooleanField(default=False)),
                        ("launch_user_ids", models.JSONField(blank=True, default=list)),
                        ("deregistration_protection", models.BooleanField(default=False)),
                        ("last_launched_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("account", "region", "image_name"), name="image_name_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="KeyPair",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("key_name", models.CharField(max_length=255)),
                        ("key_type", models.CharField(default="rsa", max_length=8)),
                        ("fingerprint", models.CharField(max_length=128)),
                        ("public_key", models.TextField()),
                        ("imported", models.BooleanField(default=False)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("account", "region", "key_name"),
                                name="key_pair_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Instance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("state", models.CharField(db_index=True, max_length=32)),
                        ("next_state", models.CharField(blank=True, default="", max_length=32)),
                        ("due_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "state_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("reservation_id", models.CharField(db_index=True, max_length=32)),
                        (
                            "client_token",
                            models.CharField(blank=True, db_index=True, default="", max_length=64),
                        ),
                        ("ami_launch_index", models.PositiveIntegerField(default=0)),
                        ("image_id", models.CharField(max_length=32)),
                        ("instance_type", models.CharField(max_length=32)),
                        ("key_name", models.CharField(blank=True, default="", max_length=255)),
                        ("availability_zone", models.CharField(max_length=32)),
                        ("subnet_resource_id", models.CharField(max_length=32)),
                        ("vpc_resource_id", models.CharField(max_length=32)),
                        ("architecture", models.CharField(default="x86_64", max_length=16)),
                        ("platform", models.CharField(blank=True, default="", max_length=16)),
                        ("platform_details", models.CharField(default="Linux/UNIX", max_length=64)),
                        (
                            "usage_operation",
                            models.CharField(default="RunInstances", max_length=32),
                        ),
                        ("root_device_name", models.CharField(default="/dev/xvda", max_length=32)),
                        ("boot_mode", models.CharField(blank=True, default="", max_length=16)),
                        ("user_data", models.TextField(blank=True, default="")),
                        ("disable_api_termination", models.BooleanField(default=False)),
                        ("disable_api_stop", models.BooleanField(default=False)),
                        ("shutdown_behavior", models.CharField(default="stop", max_length=16)),
                        ("ebs_optimized", models.BooleanField(default=False)),
                        ("launch_time", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "state_transition_reason",
                            models.CharField(blank=True, default="", max_length=128),
                        ),
                        (
                            "state_reason_code",
                            models.CharField(blank=True, default="", max_length=64),
                        ),
                        (
                            "state_reason_message",
                            models.CharField(blank=True, default="", max_length=255),
                        ),
                        ("boot_count", models.PositiveIntegerField(default=0)),
                        ("last_boot_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "primary_network_interface",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="instance",
                                to="vpc.networkinterface",
                            ),
                        ),
                        (
                            "placement_group_name",
                            models.CharField(blank=True, default="", max_length=255),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["account", "region", "state"],
                                name="ec2_instanc_account_bd2352_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="VolumeAttachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("state", models.CharField(db_index=True, max_length=32)),
                        ("next_state", models.CharField(blank=True, default="", max_length=32)),
                        ("due_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "state_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("device", models.CharField(max_length=32)),
                        ("delete_on_termination", models.BooleanField(default=False)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "instance",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="volume_attachments",
                                to="ec2.instance",
                            ),
                        ),
                        (
                            "volume",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attachments",
                                to="ec2.volume",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("instance", "device"), name="attachment_device_unique"
                            ),
                            models.UniqueConstraint(
                                fields=("volume", "instance"), name="attachment_once_per_pair"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PlacementGroup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region", models.CharField(db_index=True, max_length=32)),
                        ("resource_id", models.CharField(max_length=64, unique=True)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("state", models.CharField(db_index=True, max_length=32)),
                        ("next_state", models.CharField(blank=True, default="", max_length=32)),
                        ("due_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "state_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("group_name", models.CharField(max_length=255)),
                        ("strategy", models.CharField(max_length=16)),
                        (
                            "partition_count",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("spread_level", models.CharField(blank=True, default="", max_length=8)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("account", "region", "group_name"),
                                name="placement_group_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="KeyMaterial",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key_type", models.CharField(max_length=8)),
                        ("private_key", services.core.sealed.SealedTextField()),
                        ("public_key", models.TextField()),
                        ("fingerprint", models.CharField(max_length=128)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["key_type", "id"], name="key_material_type_id")
                        ],
                    },
                ),
            ],
        ),
    ]
