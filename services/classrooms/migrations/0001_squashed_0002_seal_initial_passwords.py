# Migrations 0001-0002 squashed into one CreateModels of the models as they stand
# after 0002_seal_initial_passwords, so a fresh `migrate` renders the migration state once
# (services/core/migration_ops.py).
# Databases that applied them are unchanged; a migration that depends on one of them
# resolves to this one through `replaces`. The RunPython steps that sealed existing
# rows are left out: a new database has no rows to seal.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import services.core.migration_ops
import services.core.sealed


class Migration(migrations.Migration):
    replaces = [("classrooms", "0001_initial"), ("classrooms", "0002_seal_initial_passwords")]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0001_initial"),
    ]

    operations = [
        services.core.migration_ops.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Classroom",
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
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("allowed_regions", models.JSONField(blank=True, default=list)),
                        ("allowed_services", models.JSONField(blank=True, default=list)),
                        ("allowed_instance_types", models.JSONField(blank=True, default=list)),
                        ("max_instances", models.PositiveIntegerField(blank=True, null=True)),
                        ("max_vcpus", models.PositiveIntegerField(blank=True, null=True)),
                        ("max_volumes", models.PositiveIntegerField(blank=True, null=True)),
                        ("max_elastic_ips", models.PositiveIntegerField(blank=True, null=True)),
                        ("session_minutes", models.PositiveIntegerField(blank=True, null=True)),
                        ("lab_slug", models.CharField(blank=True, default="", max_length=64)),
                        (
                            "instructor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="classrooms",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Student",
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
                        ("email", models.EmailField(max_length=254)),
                        (
                            "initial_password",
                            services.core.sealed.SealedTextField(blank=True, default=""),
                        ),
                        ("lab_started_at", models.DateTimeField(blank=True, null=True)),
                        ("passed_steps", models.JSONField(blank=True, default=dict)),
                        ("last_checked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "account",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="student",
                                to="core.account",
                            ),
                        ),
                        (
                            "classroom",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="students",
                                to="classrooms.classroom",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["name", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("classroom", "email"), name="student_email_once"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
