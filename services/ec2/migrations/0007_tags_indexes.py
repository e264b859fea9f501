"""Describe at 10,000 resources (issue 14): tag filters on an index, and a planner that
knows the tables are in memory."""

import django.contrib.postgres.indexes
from django.db import migrations

# PostgreSQL's default random_page_cost (4) is for spinning disks: with it the planner
# reads a table of 10,000 attachments or instances whole (5-10 ms) rather than make 100
# index probes (0.2 ms) for a page's rows. A simulator's tables sit in memory; 1.1 is the
# usual value for that. Per database, from the next connection on; an owner that may not
# change it (a managed PostgreSQL) keeps its own.
PLANNER = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'random_page_cost left as it is: %', SQLERRM;
END
$$;
"""
UNDO = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET random_page_cost', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_account_generation"),
        ("ec2", "0006_key_material_pool"),
        ("vpc", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="instance",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tags"], name="ec2_instance_tags_gin", opclasses=["jsonb_path_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="volume",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tags"], name="ec2_volume_tags_gin", opclasses=["jsonb_path_ops"]
            ),
        ),
        migrations.RunSQL(PLANNER, UNDO),
    ]
