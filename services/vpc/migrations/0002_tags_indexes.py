"""Tag filters of DescribeSecurityGroups and DescribeSubnets on an index (issue 14)."""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_account_generation"),
        ("vpc", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="securitygroup",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tags"], name="vpc_securitygroup_tags_gin", opclasses=["jsonb_path_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="subnet",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tags"], name="vpc_subnet_tags_gin", opclasses=["jsonb_path_ops"]
            ),
        ),
    ]
