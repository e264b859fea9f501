# Migrations 0001-0003 squashed into one CreateModels of the models as they stand
# after 0003_seal_access_key_secrets, so a fresh `migrate` renders the migration state once
# (services/core/migration_ops.py).
# Databases that applied them are unchanged; a migration that depends on one of them
# resolves to this one through `replaces`. The RunPython steps that sealed existing
# rows are left out: a new database has no rows to seal.

import uuid

import django.contrib.postgres.indexes
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import services.core.ids
import services.core.migration_ops
import services.core.sealed


class Migration(migrations.Migration):
    replaces = [
        ("core", "0001_initial"),
        ("core", "0002_signin_lockout"),
        ("core", "0003_seal_access_key_secrets"),
    ]

    initial = True

    dependencies = []

    operations = [
        services.core.migration_ops.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Account",
                    fields=[
                        (
                            "id",
                            models.CharField(
                                default=services.core.ids.account_id,
                                max_length=12,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "alias",
                            models.CharField(blank=True, max_length=63, null=True, unique=True),
                        ),
                        ("root_email", models.EmailField(max_length=254, unique=True)),
                        ("root_password", models.CharField(max_length=256)),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("suspended", "Suspended")],
                                default="active",
                                max_length=16,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("id__regex", "^[0-9]{12}$")),
                                name="account_id_12_digits",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AccessKey",
                    fields=[
                        (
                            "access_key_id",
                            models.CharField(
                                default=services.core.ids.access_key_id,
                                max_length=20,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "secret_access_key",
                            services.core.sealed.SealedTextField(
                                default=services.core.ids.secret_access_key
                            ),
                        ),
                        ("user_name", models.CharField(blank=True, default="", max_length=64)),
                        (
                            "status",
                            models.CharField(
                                choices=[("Active", "Active"), ("Inactive", "Inactive")],
                                default="Active",
                                max_length=8,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "last_used_service",
                            models.CharField(blank=True, default="", max_length=64),
                        ),
                        (
                            "last_used_region",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="access_keys",
                                to="core.account",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Event",
                    fields=[
                        (
                            "event_id",
                            models.UUIDField(default=uuid.uuid4, primary_key=True, serialize=False),
                        ),
                        ("region", models.CharField(max_length=32)),
                        ("event_time", models.DateTimeField(default=django.utils.timezone.now)),
                        ("event_source", models.CharField(max_length=64)),
                        ("event_name", models.CharField(max_length=64)),
                        ("read_only", models.BooleanField(default=False)),
                        (
                            "door",
                            models.CharField(
                                choices=[
                                    ("console", "Console"),
                                    ("aws", "AWS API"),
                                    ("rest", "REST API"),
                                    ("system", "System"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("principal_arn", models.CharField(max_length=256)),
                        ("principal_type", models.CharField(max_length=32)),
                        ("user_name", models.CharField(blank=True, default="", max_length=128)),
                        ("access_key_id", models.CharField(blank=True, default="", max_length=20)),
                        ("source_ip", models.CharField(blank=True, default="", max_length=64)),
                        ("user_agent", models.CharField(blank=True, default="", max_length=512)),
                        ("request_id", models.CharField(max_length=64)),
                        ("request_parameters", models.JSONField(blank=True, null=True)),
                        ("response_elements", models.JSONField(blank=True, null=True)),
                        ("resources", models.JSONField(blank=True, default=list)),
                        ("error_code", models.CharField(blank=True, default="", max_length=128)),
                        ("error_message", models.TextField(blank=True, default="")),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="core.account",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-event_time"],
                        "indexes": [
                            models.Index(
                                fields=["account", "-event_time"],
                                name="core_event_account_2fbcc7_idx",
                            ),
                            models.Index(
                                fields=["account", "event_name"],
                                name="core_event_account_c25ac5_idx",
                            ),
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["resources"], name="event_resources_gin"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SignInFailure",
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
                        ("identity", models.CharField(db_index=True, max_length=64)),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="SignInLockout",
                    fields=[
                        (
                            "identity",
                            models.CharField(max_length=64, primary_key=True, serialize=False),
                        ),
                        ("until", models.DateTimeField(db_index=True)),
                    ],
                ),
            ],
        ),
    ]
