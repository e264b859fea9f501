# STS temporary secrets are sealed in the database (services/core/sealed.py); those
# already there are sealed in place.

from django.db import migrations

import services.core.ids
import services.core.sealed


def seal(apps, schema_editor):
    services.core.sealed.seal_column(
        schema_editor, "iam_temporarycredential", "access_key_id", "secret_access_key"
    )


def unseal(apps, schema_editor):
    services.core.sealed.seal_column(
        schema_editor,
        "iam_temporarycredential",
        "access_key_id",
        "secret_access_key",
        reverse=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("iam", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="temporarycredential",
            name="secret_access_key",
            field=services.core.sealed.SealedTextField(default=services.core.ids.secret_access_key),
        ),
        migrations.RunPython(seal, unseal),
    ]
