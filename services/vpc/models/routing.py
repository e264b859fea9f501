"""Route tables, their routes and their associations with subnets (VPC-07, VPC-08)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from services.core.lookups import NotFound
from services.core.models import Resource


class RouteTable(NotFound, Resource):
    """A set of routes for the subnets associated with it; one per VPC is the main one."""

    not_found_error = (
        "InvalidRouteTableID.NotFound",
        "The routeTable ID '{id}' does not exist",
    )

    id_prefix = "rtb"
    arn_format = "arn:aws:ec2:{region}:{account}:route-table/{id}"
    cloudformation_type = "AWS::EC2::RouteTable"

    vpc = models.ForeignKey("vpc.Vpc", on_delete=models.CASCADE, related_name="route_tables")

    class Meta:
        verbose_name = "route table"

    @property
    def is_main(self) -> bool:
        return self.associations.filter(main=True).exists()

    @property
    def main_label(self) -> str:
        return "Yes" if self.is_main else "No"

    @property
    def vpc_resource_id(self) -> str:
        return self.vpc.resource_id

    @property
    def explicit_subnet_ids(self) -> str:
        ids = self.associations.filter(subnet__isnull=False).values_list(
            "subnet__resource_id", flat=True
        )
        return ", ".join(ids) or "–"

    @property
    def has_internet_route(self) -> bool:
        """Whether 0.0.0.0/0 goes to an internet gateway attached to this VPC (VPC-08)."""
        from services.vpc.models.gateways import InternetGateway

        route = self.routes.filter(destination_cidr_block="0.0.0.0/0").first()
        return bool(
            route
            and route.gateway_id.startswith("igw-")
            and InternetGateway.objects.filter(
                resource_id=route.gateway_id, vpc_id=self.vpc_id
            ).exists()
        )

    def describe(self) -> dict:
        """The EC2 `RouteTable` shape."""
        routes = list(self.routes.all())
        states = route_states(self, routes)
        data: dict = {
            "RouteTableId": self.resource_id,
            "VpcId": self.vpc.resource_id,
            "OwnerId": self.account_id,
            "Routes": [r.describe(states[r.pk]) for r in routes],
            "Associations": [a.describe() for a in self.associations.all()],
            "PropagatingVgws": [],
        }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data


def route_states(table: RouteTable, routes: list[Route]) -> dict[int, str]:
    """`active`, or `blackhole` where the target is gone (a detached gateway, a deleted NAT)."""
    from services.vpc.models.addresses import NetworkInterface
    from services.vpc.models.gateways import InternetGateway, NatGateway

    igws = {r.gateway_id for r in routes if r.gateway_id.startswith("igw-")}
    attached = set(
        InternetGateway.objects.filter(resource_id__in=igws, vpc_id=table.vpc_id).values_list(
            "resource_id", flat=True
        )
    )
    nats = {r.nat_gateway_id for r in routes if r.nat_gateway_id}
    live_nats = set(
        NatGateway.objects.filter(
            resource_id__in=nats, state__in=["pending", "available"]
        ).values_list("resource_id", flat=True)
    )
    enis = {r.network_interface_id for r in routes if r.network_interface_id}
    live_enis = set(
        NetworkInterface.objects.filter(resource_id__in=enis).values_list("resource_id", flat=True)
    )
    states = {}
    for r in routes:
        ok = (
            r.gateway_id == "local"
            or r.gateway_id in attached
            or r.nat_gateway_id in live_nats
            or r.network_interface_id in live_enis
        )
        states[r.pk] = "active" if ok else "blackhole"
    return states


class Route(models.Model):
    """One destination and its target. The local route (gateway `local`) is made with the
    table and cannot be removed (VPC-07)."""

    route_table = models.ForeignKey(RouteTable, on_delete=models.CASCADE, related_name="routes")
    destination_cidr_block = models.CharField(max_length=18)
    gateway_id = models.CharField(max_length=32, blank=True, default="")  # local, igw-...
    nat_gateway_id = models.CharField(max_length=32, blank=True, default="")
    network_interface_id = models.CharField(max_length=32, blank=True, default="")
    instance_id = models.CharField(max_length=32, blank=True, default="")
    origin = models.CharField(max_length=32, default="CreateRoute")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["route_table", "destination_cidr_block"], name="route_destination_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.destination_cidr_block} -> {self.target}"

    @property
    def is_local(self) -> bool:
        return self.gateway_id == "local"

    @property
    def target(self) -> str:
        return (
            self.gateway_id or self.nat_gateway_id or self.instance_id or self.network_interface_id
        )

    def describe(self, state: str = "active") -> dict:
        data: dict = {
            "DestinationCidrBlock": self.destination_cidr_block,
            "Origin": self.origin,
            "State": state,
        }
        if self.gateway_id:
            data["GatewayId"] = self.gateway_id
        if self.nat_gateway_id:
            data["NatGatewayId"] = self.nat_gateway_id
        if self.instance_id:
            data["InstanceId"] = self.instance_id
            data["InstanceOwnerId"] = self.route_table.account_id
        if self.network_interface_id:
            data["NetworkInterfaceId"] = self.network_interface_id
        return data


class RouteTableAssociation(models.Model):
    """A subnet's explicit association with a table, or the VPC's main-table association."""

    association_id = models.CharField(max_length=64, unique=True)
    route_table = models.ForeignKey(
        RouteTable, on_delete=models.CASCADE, related_name="associations"
    )
    vpc = models.ForeignKey(
        "vpc.Vpc", on_delete=models.CASCADE, related_name="route_table_associations"
    )
    # VPC-07: a subnet is explicitly associated with at most one table.
    subnet = models.OneToOneField(
        "vpc.Subnet",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="route_table_association",
    )
    main = models.BooleanField(default=False)

    class Meta:
        ordering = ["-main", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vpc"], condition=Q(main=True), name="route_table_one_main_per_vpc"
            ),
            models.CheckConstraint(
                condition=Q(main=True, subnet__isnull=True) | Q(main=False, subnet__isnull=False),
                name="route_table_association_main_xor_subnet",
            ),
        ]

    def __str__(self) -> str:
        return self.association_id

    def describe(self) -> dict:
        data: dict = {
            "Main": self.main,
            "RouteTableAssociationId": self.association_id,
            "RouteTableId": self.route_table.resource_id,
            "AssociationState": {"State": "associated"},
        }
        if self.subnet_id:
            data["SubnetId"] = self.subnet.resource_id
        return data
