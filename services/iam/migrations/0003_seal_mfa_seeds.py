# Virtual MFA devices' TOTP seeds are sealed in the database (services/core/sealed.py);
# those already there are sealed in place.

from django.db import migrations

import services.core.sealed


def seal(apps, schema_editor):
    services.core.sealed.seal_column(schema_editor, "iam_mfadevice", "id", "seed")


def unseal(apps, schema_editor):
    services.core.sealed.seal_column(schema_editor, "iam_mfadevice", "id", "seed", reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("iam", "0002_seal_temporary_secrets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mfadevice",
            name="seed",
            field=services.core.sealed.SealedTextField(),
        ),
        migrations.RunPython(seal, unseal),
    ]
