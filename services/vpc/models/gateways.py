"""Internet gateways and NAT gateways."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from services.core.lifecycle import LifecycleResource
from services.core.lookups import NotFound
from services.core.models import Resource
from services.vpc import lifecycle


class InternetGateway(NotFound, Resource):
    """A VPC's door to the internet (VPC-06: one per VPC, one VPC per gateway)."""

    not_found_error = (
        "InvalidInternetGatewayID.NotFound",
        "The internetGateway ID '{id}' does not exist",
    )

    id_prefix = "igw"
    arn_format = "arn:aws:ec2:{region}:{account}:internet-gateway/{id}"
    cloudformation_type = "AWS::EC2::InternetGateway"

    vpc = models.ForeignKey(
        "vpc.Vpc",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="internet_gateways",
    )

    class Meta:
        verbose_name = "internet gateway"
        constraints = [
            # VPC-06, under concurrency: at most one gateway attached to a VPC.
            models.UniqueConstraint(
                fields=["vpc"], condition=Q(vpc__isnull=False), name="igw_one_per_vpc"
            ),
        ]

    @property
    def state_label(self) -> str:
        return "Attached" if self.vpc_id else "Detached"

    @property
    def vpc_resource_id(self) -> str:
        return self.vpc.resource_id if self.vpc_id else ""

    def describe(self) -> dict:
        """The EC2 `InternetGateway` shape."""
        data: dict = {
            "InternetGatewayId": self.resource_id,
            "OwnerId": self.account_id,
            "Attachments": (
                [{"State": "available", "VpcId": self.vpc.resource_id}] if self.vpc_id else []
            ),
        }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data


class NatGateway(NotFound, LifecycleResource):
    """A managed NAT in one subnet and AZ with an Elastic IP (VPC-09):
    pending -> available, deleting -> deleted (listed about an hour, then gone)."""

    not_found_error = (
        "NatGatewayNotFound",
        "The Nat Gateway {id} was not found",
    )

    id_prefix = "nat"
    arn_format = "arn:aws:ec2:{region}:{account}:natgateway/{id}"
    cloudformation_type = "AWS::EC2::NatGateway"
    lifecycle = lifecycle.NAT_GATEWAY
    transitional_states = frozenset({"pending", "deleting"})

    vpc = models.ForeignKey("vpc.Vpc", on_delete=models.CASCADE, related_name="nat_gateways")
    subnet = models.ForeignKey("vpc.Subnet", on_delete=models.CASCADE, related_name="nat_gateways")
    connectivity_type = models.CharField(max_length=16, default="public")
    elastic_ip = models.ForeignKey(
        "vpc.Address",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nat_gateways",
    )
    eni = models.ForeignKey(
        "vpc.NetworkInterface",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nat_gateways",
    )
    # Kept after deletion, when the interface and the address are gone.
    allocation_id = models.CharField(max_length=32, blank=True, default="")
    network_interface_id = models.CharField(max_length=32, blank=True, default="")
    private_ip = models.CharField(max_length=15, blank=True, default="")
    public_ip = models.CharField(max_length=15, blank=True, default="")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "NAT gateway"

    @property
    def is_transitional(self) -> bool:
        # A deleted gateway waits an hour to leave the list; nothing to watch meanwhile.
        return self.state in self.transitional_states

    @property
    def subnet_resource_id(self) -> str:
        return self.subnet.resource_id

    @property
    def vpc_resource_id(self) -> str:
        return self.vpc.resource_id

    def on_enter(self, state: str) -> None:
        if state == "deleted":
            from django.utils import timezone

            from services.vpc import network

            # The interface goes and the Elastic IP is disassociated, but stays allocated.
            if self.eni is not None:
                network.delete_network_interface(self.eni)
            NatGateway.objects.filter(pk=self.pk).update(
                deleted_at=timezone.now(), eni=None, elastic_ip=None
            )
        elif state == "purged":
            self.delete()

    def describe(self) -> dict:
        """The EC2 `NatGateway` shape."""
        address: dict = {
            "AllocationId": self.allocation_id,
            "NetworkInterfaceId": self.network_interface_id,
            "PrivateIp": self.private_ip,
            "IsPrimary": True,
            "Status": {
                "pending": "associating",
                "available": "succeeded",
                "deleting": "disassociating",
            }.get(self.state, "succeeded"),
        }
        if self.public_ip:
            address["PublicIp"] = self.public_ip
        if self.connectivity_type == "private":
            address.pop("AllocationId")
        data: dict = {
            "NatGatewayId": self.resource_id,
            "CreateTime": self.created_at,
            "State": self.state,
            "SubnetId": self.subnet.resource_id,
            "VpcId": self.vpc.resource_id,
            "ConnectivityType": self.connectivity_type,
            "NatGatewayAddresses": [address],
        }
        if self.deleted_at:
            data["DeleteTime"] = self.deleted_at
        if self.tags:
            data["Tags"] = self.tag_list()
        return data
