# Students' initial passwords are sealed in the database (services/core/sealed.py);
# those already there are sealed in place.

from django.db import migrations

import services.core.sealed


def seal(apps, schema_editor):
    services.core.sealed.seal_column(schema_editor, "classrooms_student", "id", "initial_password")


def unseal(apps, schema_editor):
    services.core.sealed.seal_column(
        schema_editor, "classrooms_student", "id", "initial_password", reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("classrooms", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="student",
            name="initial_password",
            field=services.core.sealed.SealedTextField(blank=True, default=""),
        ),
        migrations.RunPython(seal, unseal),
    ]
