# Migrations 0001-0003 squashed into one CreateModels of the models as they stand
# after 0003_seal_mfa_seeds, so a fresh `migrate` renders the migration state once
# (services/core/migration_ops.py).
# Databases that applied them are unchanged; a migration that depends on one of them
# resolves to this one through `replaces`. The RunPython steps that sealed existing
# rows are left out: a new database has no rows to seal.

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.db import migrations, models

import services.core.ids
import services.core.migration_ops
import services.core.sealed


class Migration(migrations.Migration):
    replaces = [
        ("iam", "0001_initial"),
        ("iam", "0002_seal_temporary_secrets"),
        ("iam", "0003_seal_mfa_seeds"),
    ]

    initial = True

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        services.core.migration_ops.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="CredentialReport",
                    fields=[
                        (
                            "account",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="core.account",
                            ),
                        ),
                        ("generated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("content", models.TextField()),
                    ],
                ),
                migrations.CreateModel(
                    name="PasswordPolicy",
                    fields=[
                        (
                            "account",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="core.account",
                            ),
                        ),
                        ("minimum_length", models.PositiveIntegerField(default=8)),
                        ("require_symbols", models.BooleanField(default=False)),
                        ("require_numbers", models.BooleanField(default=False)),
                        ("require_uppercase", models.BooleanField(default=False)),
                        ("require_lowercase", models.BooleanField(default=False)),
                        ("allow_users_to_change", models.BooleanField(default=False)),
                        ("max_age", models.PositiveIntegerField(blank=True, null=True)),
                        ("reuse_prevention", models.PositiveIntegerField(blank=True, null=True)),
                        ("hard_expiry", models.BooleanField(default=False)),
                    ],
                ),
                migrations.CreateModel(
                    name="Group",
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
                        ("name", models.CharField(max_length=128)),
                        ("path", models.CharField(default="/", max_length=512)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "users",
                            models.ManyToManyField(
                                blank=True, related_name="iam_groups", to="iam.user"
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("account"),
                                django.db.models.functions.text.Lower("name"),
                                name="iam_group_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ManagedPolicy",
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
                        ("name", models.CharField(max_length=128)),
                        ("path", models.CharField(default="/", max_length=512)),
                        ("description", models.CharField(blank=True, default="", max_length=1000)),
                        ("default_version_id", models.CharField(default="v1", max_length=8)),
                        ("next_version", models.PositiveIntegerField(default=2)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                                models.F("account"),
                                django.db.models.functions.text.Lower("name"),
                                name="iam_policy_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PolicyVersion",
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
                        ("version_id", models.CharField(max_length=8)),
                        ("document", models.TextField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "policy",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="iam.managedpolicy",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("policy", "version_id"), name="iam_version_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Role",
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
                        ("name", models.CharField(max_length=128)),
                        ("path", models.CharField(default="/", max_length=512)),
                        ("assume_role_policy", models.TextField()),
                        ("description", models.CharField(blank=True, default="", max_length=1000)),
                        ("max_session_duration", models.PositiveIntegerField(default=3600)),
                        (
                            "permissions_boundary",
                            models.CharField(blank=True, default="", max_length=2048),
                        ),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "last_used_region",
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
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("account"),
                                django.db.models.functions.text.Lower("name"),
                                name="iam_role_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="InstanceProfile",
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
                        ("name", models.CharField(max_length=128)),
                        ("path", models.CharField(default="/", max_length=512)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "roles",
                            models.ManyToManyField(
                                blank=True, related_name="instance_profiles", to="iam.role"
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("account"),
                                django.db.models.functions.text.Lower("name"),
                                name="iam_profile_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TemporaryCredential",
                    fields=[
                        (
                            "access_key_id",
                            models.CharField(max_length=20, primary_key=True, serialize=False),
                        ),
                        (
                            "secret_access_key",
                            services.core.sealed.SealedTextField(
                                default=services.core.ids.secret_access_key
                            ),
                        ),
                        ("session_token", models.TextField(unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("AssumedRole", "Assumed role"),
                                    ("IAMUser", "IAM user"),
                                    ("Root", "Root"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("user_name", models.CharField(blank=True, default="", max_length=64)),
                        ("role_name", models.CharField(blank=True, default="", max_length=64)),
                        ("session_name", models.CharField(blank=True, default="", max_length=64)),
                        ("session_policy", models.TextField(blank=True, default="")),
                        ("session_policy_arns", models.JSONField(blank=True, default=list)),
                        (
                            "source_identity",
                            models.CharField(blank=True, default="", max_length=64),
                        ),
                        ("caller_arn", models.CharField(blank=True, default="", max_length=2048)),
                        ("mfa_authenticated", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "role",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="iam.role",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="User",
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
                        ("name", models.CharField(max_length=128)),
                        ("path", models.CharField(default="/", max_length=512)),
                        (
                            "permissions_boundary",
                            models.CharField(blank=True, default="", max_length=2048),
                        ),
                        ("password_last_used", models.DateTimeField(blank=True, null=True)),
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
                                models.F("account"),
                                django.db.models.functions.text.Lower("name"),
                                name="iam_user_name_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PolicyAttachment",
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
                        ("policy_arn", models.CharField(db_index=True, max_length=2048)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attached",
                                to="iam.group",
                            ),
                        ),
                        (
                            "role",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attached",
                                to="iam.role",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attached",
                                to="iam.user",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("group__isnull", True),
                                        ("role__isnull", True),
                                        ("user__isnull", False),
                                    ),
                                    models.Q(
                                        ("group__isnull", False),
                                        ("role__isnull", True),
                                        ("user__isnull", True),
                                    ),
                                    models.Q(
                                        ("group__isnull", True),
                                        ("role__isnull", False),
                                        ("user__isnull", True),
                                    ),
                                    _connector="OR",
                                ),
                                name="iam_attachment_one_identity",
                            ),
                            models.UniqueConstraint(
                                fields=("user", "policy_arn"), name="iam_attach_user"
                            ),
                            models.UniqueConstraint(
                                fields=("group", "policy_arn"), name="iam_attach_group"
                            ),
                            models.UniqueConstraint(
                                fields=("role", "policy_arn"), name="iam_attach_role"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="MfaDevice",
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
                        ("name", models.CharField(max_length=128)),
                        ("path", models.CharField(default="/", max_length=512)),
                        ("seed", services.core.sealed.SealedTextField()),
                        ("for_root", models.BooleanField(default=False)),
                        ("enabled_at", models.DateTimeField(blank=True, null=True)),
                        ("last_step", models.BigIntegerField(default=0)),
                        ("tags", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mfa_devices",
                                to="iam.user",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("account", "name"), name="iam_mfa_name_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LoginProfile",
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
                        ("password", models.CharField(max_length=256)),
                        ("password_reset_required", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "password_changed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("history", models.JSONField(blank=True, default=list)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="login_profile",
                                to="iam.user",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="InlinePolicy",
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
                        ("name", models.CharField(max_length=128)),
                        ("document", models.TextField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="inline",
                                to="iam.group",
                            ),
                        ),
                        (
                            "role",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="inline",
                                to="iam.role",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="inline",
                                to="iam.user",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "name"), name="iam_inline_user"
                            ),
                            models.UniqueConstraint(
                                fields=("group", "name"), name="iam_inline_group"
                            ),
                            models.UniqueConstraint(
                                fields=("role", "name"), name="iam_inline_role"
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
