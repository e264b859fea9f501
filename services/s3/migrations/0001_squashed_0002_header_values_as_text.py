# Migrations 0001-0002 squashed into one CreateModels of the models as they stand
# after 0002_header_values_as_text, so a fresh `migrate` renders the migration state once
# (services/core/migration_ops.py).
# Databases that applied them are unchanged; a migration that depends on one of them
# resolves to this one through `replaces`. The RunPython steps that sealed existing
# rows are left out: a new database has no rows to seal.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import services.core.migration_ops


class Migration(migrations.Migration):
    replaces = [("s3", "0001_initial"), ("s3", "0002_header_values_as_text")]

    initial = True

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        services.core.migration_ops.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Bucket",
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
                        ("versioning", models.CharField(blank=True, default="", max_length=16)),
                        ("mfa_delete", models.CharField(blank=True, default="", max_length=16)),
                        (
                            "object_ownership",
                            models.CharField(default="BucketOwnerEnforced", max_length=32),
                        ),
                        ("acl", models.JSONField(blank=True, default=list)),
                        ("policy", models.TextField(blank=True, default="")),
                        ("public_access_block", models.JSONField(blank=True, null=True)),
                        ("encryption", models.JSONField(blank=True, null=True)),
                        ("cors", models.JSONField(blank=True, null=True)),
                        ("website", models.JSONField(blank=True, null=True)),
                        ("lifecycle_rules", models.JSONField(blank=True, null=True)),
                        ("notification", models.JSONField(blank=True, default=dict)),
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
                    name="MultipartUpload",
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
                        ("key", models.TextField(db_collation="C")),
                        ("upload_id", models.CharField(max_length=128, unique=True)),
                        ("initiated", models.DateTimeField(default=django.utils.timezone.now)),
                        ("owner_account", models.CharField(max_length=12)),
                        ("storage_class", models.CharField(default="STANDARD", max_length=32)),
                        ("attributes", models.JSONField(blank=True, default=dict)),
                        (
                            "checksum_algorithm",
                            models.CharField(blank=True, default="", max_length=16),
                        ),
                        (
                            "bucket",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="uploads",
                                to="s3.bucket",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="ObjectVersion",
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
                        ("key", models.TextField(db_collation="C")),
                        ("version_id", models.CharField(default="null", max_length=64)),
                        ("is_latest", models.BooleanField(default=True)),
                        ("is_delete_marker", models.BooleanField(default=False)),
                        ("size", models.BigIntegerField(default=0)),
                        ("etag", models.CharField(blank=True, default="", max_length=64)),
                        ("blob", models.CharField(blank=True, default="", max_length=128)),
                        ("last_modified", models.DateTimeField(default=django.utils.timezone.now)),
                        ("owner_account", models.CharField(max_length=12)),
                        ("storage_class", models.CharField(default="STANDARD", max_length=32)),
                        ("content_type", models.TextField(blank=True, default="")),
                        ("content_encoding", models.TextField(blank=True, default="")),
                        ("content_disposition", models.TextField(blank=True, default="")),
                        ("content_language", models.TextField(blank=True, default="")),
                        ("cache_control", models.TextField(blank=True, default="")),
                        ("expires", models.DateTimeField(blank=True, null=True)),
                        ("website_redirect", models.TextField(blank=True, default="")),
                        ("metadata", models.JSONField(blank=True, default=dict)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("acl", models.JSONField(blank=True, default=list)),
                        ("sse_algorithm", models.CharField(blank=True, default="", max_length=16)),
                        ("kms_key_id", models.CharField(blank=True, default="", max_length=256)),
                        ("bucket_key_enabled", models.BooleanField(default=False)),
                        ("checksums", models.JSONField(blank=True, default=dict)),
                        ("parts_count", models.PositiveIntegerField(blank=True, null=True)),
                        ("part_sizes", models.JSONField(blank=True, default=list)),
                        ("restore_ongoing", models.BooleanField(default=False)),
                        ("restore_expiry", models.DateTimeField(blank=True, null=True)),
                        (
                            "bucket",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="s3.bucket",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["bucket", "is_latest", "key"], name="s3_latest_keys"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("bucket", "key", "version_id"),
                                name="s3_one_version_id_per_key",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("is_latest", True)),
                                fields=("bucket", "key"),
                                name="s3_one_latest_per_key",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ObjectRestore",
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
                        ("tier", models.CharField(default="Standard", max_length=16)),
                        ("days", models.PositiveIntegerField(default=1)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "version",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="restores",
                                to="s3.objectversion",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="UploadPart",
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
                        ("part_number", models.PositiveIntegerField()),
                        ("etag", models.CharField(max_length=64)),
                        ("size", models.BigIntegerField()),
                        ("blob", models.CharField(max_length=128)),
                        ("last_modified", models.DateTimeField(default=django.utils.timezone.now)),
                        ("checksums", models.JSONField(blank=True, default=dict)),
                        (
                            "upload",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="parts",
                                to="s3.multipartupload",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("upload", "part_number"), name="s3_one_part_number"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
