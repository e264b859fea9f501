# Operations optimised and batched for a fast first `migrate` (see
# services/core/migration_ops.py); the schema and migration state are unchanged.

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.db import migrations, models

import services.core.migration_ops


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        services.core.migration_ops.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="NetworkAcl",
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
                        ("is_default", models.BooleanField(default=False)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="network_acls",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "network ACL",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("is_default", True)),
                                fields=("vpc",),
                                name="network_acl_one_default",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NetworkInterface",
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
                        ("availability_zone", models.CharField(max_length=32)),
                        ("private_ip_address", models.GenericIPAddressField(protocol="IPv4")),
                        (
                            "public_ip",
                            models.GenericIPAddressField(
                                blank=True, null=True, protocol="IPv4", unique=True
                            ),
                        ),
                        ("wants_public_ip", models.BooleanField(default=False)),
                        ("description", models.CharField(blank=True, default="", max_length=255)),
                        ("mac_address", models.CharField(max_length=17)),
                        ("status", models.CharField(default="available", max_length=16)),
                        ("interface_type", models.CharField(default="interface", max_length=32)),
                        ("requester_managed", models.BooleanField(default=False)),
                        ("source_dest_check", models.BooleanField(default=True)),
                        ("instance_id", models.CharField(blank=True, default="", max_length=32)),
                        ("device_index", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("attachment_id", models.CharField(blank=True, default="", max_length=32)),
                        (
                            "attachment_status",
                            models.CharField(blank=True, default="", max_length=16),
                        ),
                        ("attach_time", models.DateTimeField(blank=True, null=True)),
                        ("delete_on_termination", models.BooleanField(default=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "security_groups",
                            models.ManyToManyField(
                                blank=True,
                                related_name="network_interfaces",
                                to="vpc.securitygroup",
                            ),
                        ),
                        (
                            "subnet",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="network_interfaces",
                                to="vpc.subnet",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="network_interfaces",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "network interface",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("subnet", "private_ip_address"),
                                name="eni_private_ip_unique_in_subnet",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Address",
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
                        ("public_ip", models.GenericIPAddressField(protocol="IPv4", unique=True)),
                        ("domain", models.CharField(default="vpc", max_length=8)),
                        (
                            "association_id",
                            models.CharField(blank=True, max_length=32, null=True, unique=True),
                        ),
                        (
                            "private_ip_address",
                            models.GenericIPAddressField(blank=True, null=True, protocol="IPv4"),
                        ),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "network_interface",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="address",
                                to="vpc.networkinterface",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Elastic IP address",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("association_id__isnull", True),
                                        ("network_interface__isnull", True),
                                    ),
                                    models.Q(
                                        ("association_id__isnull", False),
                                        ("network_interface__isnull", False),
                                    ),
                                    _connector="OR",
                                ),
                                name="address_association_consistent",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RouteTable",
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
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="route_tables",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "route table",
                    },
                ),
                migrations.CreateModel(
                    name="Route",
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
                        ("destination_cidr_block", models.CharField(max_length=18)),
                        ("gateway_id", models.CharField(blank=True, default="", max_length=32)),
                        ("nat_gateway_id", models.CharField(blank=True, default="", max_length=32)),
                        (
                            "network_interface_id",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        ("instance_id", models.CharField(blank=True, default="", max_length=32)),
                        ("origin", models.CharField(default="CreateRoute", max_length=32)),
                        (
                            "route_table",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="routes",
                                to="vpc.routetable",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("route_table", "destination_cidr_block"),
                                name="route_destination_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SecurityGroup",
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
                        ("group_name", models.CharField(max_length=255)),
                        ("description", models.CharField(max_length=255)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="security_groups",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "security group",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("vpc", "group_name"), name="security_group_name_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SecurityGroupRule",
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
                        ("is_egress", models.BooleanField(default=False)),
                        ("ip_protocol", models.CharField(max_length=8)),
                        ("from_port", models.IntegerField(default=-1)),
                        ("to_port", models.IntegerField(default=-1)),
                        ("cidr_ipv4", models.CharField(blank=True, max_length=18, null=True)),
                        ("description", models.CharField(blank=True, default="", max_length=255)),
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
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="rules",
                                to="vpc.securitygroup",
                            ),
                        ),
                        (
                            "referenced_group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="referencing_rules",
                                to="vpc.securitygroup",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "security group rule",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=(
                                    "group",
                                    "is_egress",
                                    "ip_protocol",
                                    "from_port",
                                    "to_port",
                                    "cidr_ipv4",
                                    "referenced_group",
                                ),
                                name="security_group_rule_unique",
                                nulls_distinct=False,
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("cidr_ipv4__isnull", False),
                                    ("referenced_group__isnull", False),
                                    _connector="XOR",
                                ),
                                name="security_group_rule_one_peer",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Subnet",
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
                        ("availability_zone", models.CharField(max_length=32)),
                        ("cidr_block", models.CharField(max_length=18)),
                        ("first_address", models.BigIntegerField()),
                        ("last_address", models.BigIntegerField()),
                        ("state", models.CharField(default="available", max_length=16)),
                        ("map_public_ip_on_launch", models.BooleanField(default=False)),
                        ("default_for_az", models.BooleanField(default=False)),
                        ("acl_association_id", models.CharField(max_length=64, unique=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "network_acl",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subnets",
                                to="vpc.networkacl",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subnets",
                                to="vpc.vpc",
                            ),
                        ),
                        (
                            "span",
                            models.GeneratedField(
                                db_persist=True,
                                expression=models.Func(
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("vpc_id"), "*", models.Value(4294967296)
                                        ),
                                        "+",
                                        models.F("first_address"),
                                    ),
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                models.F("vpc_id"), "*", models.Value(4294967296)
                                            ),
                                            "+",
                                            models.F("last_address"),
                                        ),
                                        "+",
                                        models.Value(1),
                                    ),
                                    function="int8range",
                                    output_field=django.contrib.postgres.fields.ranges.BigIntegerRangeField(),
                                ),
                                output_field=django.contrib.postgres.fields.ranges.BigIntegerRangeField(),
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            django.contrib.postgres.constraints.ExclusionConstraint(
                                expressions=[("span", "&&")], name="subnet_no_overlap_in_vpc"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("default_for_az", True)),
                                fields=("vpc", "availability_zone"),
                                name="subnet_one_default_per_az",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("last_address__gt", models.F("first_address"))),
                                name="subnet_range_ordered",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Vpc",
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
                        ("cidr_block", models.CharField(max_length=18)),
                        ("state", models.CharField(default="available", max_length=16)),
                        ("is_default", models.BooleanField(default=False)),
                        ("instance_tenancy", models.CharField(default="default", max_length=16)),
                        ("enable_dns_support", models.BooleanField(default=True)),
                        ("enable_dns_hostnames", models.BooleanField(default=False)),
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
                        "verbose_name": "VPC",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("is_default", True)),
                                fields=("account", "region"),
                                name="vpc_one_default_per_region",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RouteTableAssociation",
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
                        ("association_id", models.CharField(max_length=64, unique=True)),
                        ("main", models.BooleanField(default=False)),
                        (
                            "route_table",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="associations",
                                to="vpc.routetable",
                            ),
                        ),
                        (
                            "subnet",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="route_table_association",
                                to="vpc.subnet",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="route_table_associations",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-main", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("main", True)),
                                fields=("vpc",),
                                name="route_table_one_main_per_vpc",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("main", True), ("subnet__isnull", True)),
                                    models.Q(("main", False), ("subnet__isnull", False)),
                                    _connector="OR",
                                ),
                                name="route_table_association_main_xor_subnet",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NatGateway",
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
                        ("connectivity_type", models.CharField(default="public", max_length=16)),
                        ("allocation_id", models.CharField(blank=True, default="", max_length=32)),
                        (
                            "network_interface_id",
                            models.CharField(blank=True, default="", max_length=32),
                        ),
                        ("private_ip", models.CharField(blank=True, default="", max_length=15)),
                        ("public_ip", models.CharField(blank=True, default="", max_length=15)),
                        ("deleted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "elastic_ip",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="nat_gateways",
                                to="vpc.address",
                            ),
                        ),
                        (
                            "eni",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="nat_gateways",
                                to="vpc.networkinterface",
                            ),
                        ),
                        (
                            "subnet",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="nat_gateways",
                                to="vpc.subnet",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="nat_gateways",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "NAT gateway",
                    },
                ),
                migrations.CreateModel(
                    name="InternetGateway",
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
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "vpc",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="internet_gateways",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "internet gateway",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("vpc__isnull", False)),
                                fields=("vpc",),
                                name="igw_one_per_vpc",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="VpcCidrBlock",
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
                        ("association_id", models.CharField(max_length=64, unique=True)),
                        ("cidr_block", models.CharField(max_length=18)),
                        ("first_address", models.BigIntegerField()),
                        ("last_address", models.BigIntegerField()),
                        ("primary", models.BooleanField(default=False)),
                        (
                            "vpc",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="cidr_blocks",
                                to="vpc.vpc",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-primary", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("vpc", "cidr_block"), name="vpc_cidr_block_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NetworkAclEntry",
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
                        ("rule_number", models.PositiveIntegerField()),
                        ("egress", models.BooleanField()),
                        ("protocol", models.CharField(max_length=4)),
                        ("rule_action", models.CharField(max_length=5)),
                        ("cidr_block", models.CharField(max_length=18)),
                        ("port_from", models.IntegerField(blank=True, null=True)),
                        ("port_to", models.IntegerField(blank=True, null=True)),
                        ("icmp_type", models.IntegerField(blank=True, null=True)),
                        ("icmp_code", models.IntegerField(blank=True, null=True)),
                        (
                            "network_acl",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="vpc.networkacl",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["egress", "rule_number"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("network_acl", "egress", "rule_number"),
                                name="network_acl_rule_unique",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("rule_number__gte", 1), ("rule_number__lte", 32767)
                                ),
                                name="network_acl_rule_number_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("rule_action__in", ["allow", "deny"])),
                                name="network_acl_rule_action",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
