# Access-key secrets are sealed in the database (services/core/sealed.py); the keys
# already there are sealed in place.

from django.db import migrations

import services.core.ids
import services.core.sealed


def seal(apps, schema_editor):
    services.core.sealed.seal_column(
        schema_editor, "core_accesskey", "access_key_id", "secret_access_key"
    )


def unseal(apps, schema_editor):
    services.core.sealed.seal_column(
        schema_editor, "core_accesskey", "access_key_id", "secret_access_key", reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_signin_lockout"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesskey",
            name="secret_access_key",
            field=services.core.sealed.SealedTextField(default=services.core.ids.secret_access_key),
        ),
        migrations.RunPython(seal, unseal),
    ]
