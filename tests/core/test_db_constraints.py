"""Broken database constraints and refused deletes, mapped to AWS errors once by the
operation layer (services.core.constraints); what nobody declared stays a bug."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.core.models import Event
from services.ec2.models import KeyPair
from services.vpc.models import Vpc

pytestmark = pytest.mark.django_db(transaction=True)


def _op(func) -> operations.Operation:
    # Not registered: the registry is the simulated cloud's, and fuzzed as such.
    return operations.Operation("ec2", "ConstraintTest", func, "ec2", False, False)


@pytest.fixture
def ctx(account) -> CallContext:
    return CallContext(account, "us-east-1", Principal.root(account.id), "aws")


def _key(ctx: CallContext, name: str) -> KeyPair:
    return KeyPair(
        account=ctx.account,
        region=ctx.region,
        key_name=name,
        fingerprint="00:11",
        public_key="ssh-rsa AAAA",
    )


def test_a_declared_constraint_answers_its_error_naming_the_row_saved(ctx):
    def save_twice(ctx: CallContext, params: dict) -> dict:
        # No check first, as when a racing call's row is not visible yet.
        _key(ctx, "twice").save()
        _key(ctx, "twice").save()
        return {}

    with pytest.raises(AwsError) as info:
        operations._run(ctx, _op(save_twice), {})
    assert info.value.code == "InvalidKeyPair.Duplicate"
    assert info.value.message == "The keypair 'twice' already exists."
    assert not KeyPair.objects.filter(key_name="twice").exists()  # one transaction


def _two_default_vpcs(ctx: CallContext, params: dict) -> dict:
    # vpc_one_default_per_region: no operation can break it, so nothing declares it.
    for cidr in ("172.30.0.0/16", "172.29.0.0/16"):
        Vpc.objects.create(
            account=ctx.account, region="eu-west-1", cidr_block=cidr, is_default=True
        )
    return {}


def test_an_undeclared_constraint_is_not_translated(ctx):
    with pytest.raises(IntegrityError):
        operations._run(ctx, _op(_two_default_vpcs), {})


def test_an_undeclared_constraint_reaches_the_caller_as_internal_failure(ctx, monkeypatch):
    monkeypatch.setattr(operations, "get", lambda service, action: _op(_two_default_vpcs))
    with pytest.raises(AwsError) as info:
        operations.call(ctx, "ec2", "DescribeRegions", {})
    assert (info.value.code, info.value.status) == ("InternalFailure", 500)


def test_a_protected_delete_is_the_deleted_models_dependency_violation(ctx):
    vpc = operations.call(ctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    operations.call(ctx, "ec2", "CreateSubnet", {"VpcId": vpc, "CidrBlock": "10.0.1.0/24"})

    def delete_without_checking(ctx: CallContext, params: dict) -> dict:
        Vpc.objects.get(resource_id=vpc).delete()  # the subnet's PROTECT key refuses it
        return {}

    with pytest.raises(AwsError) as info:
        operations._run(ctx, _op(delete_without_checking), {})
    assert info.value.code == "DependencyViolation"
    assert info.value.message == f"The vpc '{vpc}' has dependencies and cannot be deleted."
    assert Vpc.objects.filter(resource_id=vpc).exists()
    assert not Event.objects.filter(event_name="ConstraintTest").exists()
