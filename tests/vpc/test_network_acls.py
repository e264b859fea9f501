"""Network ACLs (VPC-10)."""

import pytest

from services.vpc.models import NetworkAcl, Subnet


@pytest.fixture
def acl(api, vpc) -> dict:
    return api.CreateNetworkAcl(VpcId=vpc["VpcId"])["NetworkAcl"]


def entry(
    api, acl_id: str, number: int, action: str, *, egress=False, ports=None, cidr="0.0.0.0/0"
):
    params = {
        "NetworkAclId": acl_id,
        "RuleNumber": number,
        "Protocol": "6" if ports else "-1",
        "RuleAction": action,
        "Egress": egress,
        "CidrBlock": cidr,
    }
    if ports:
        params["PortRange"] = {"From": ports[0], "To": ports[1]}
    return api.CreateNetworkAclEntry(**params)


def test_vpc10_new_acl_denies_everything(api, acl):
    assert acl["NetworkAclId"].startswith("acl-")
    assert acl["IsDefault"] is False
    assert sorted((e["Egress"], e["RuleNumber"], e["RuleAction"]) for e in acl["Entries"]) == [
        (False, 32767, "deny"),
        (True, 32767, "deny"),
    ]
    model = NetworkAcl.objects.get(resource_id=acl["NetworkAclId"])
    assert model.evaluate(egress=False, protocol="6", ip="1.2.3.4", port=22) == "deny"


def test_vpc10_default_acl_allows_everything(api, vpc):
    model = NetworkAcl.objects.get(vpc__resource_id=vpc["VpcId"], is_default=True)
    assert model.evaluate(egress=False, protocol="6", ip="1.2.3.4", port=22) == "allow"
    assert model.evaluate(egress=True, protocol="17", ip="8.8.8.8", port=53) == "allow"


def test_vpc10_lowest_numbered_matching_rule_wins(api, acl):
    acl_id = acl["NetworkAclId"]
    entry(api, acl_id, 200, "allow", ports=(22, 22))
    entry(api, acl_id, 100, "deny", ports=(22, 22), cidr="203.0.113.0/24")
    model = NetworkAcl.objects.get(resource_id=acl_id)
    assert model.evaluate(egress=False, protocol="6", ip="203.0.113.9", port=22) == "deny"
    assert model.evaluate(egress=False, protocol="6", ip="198.51.100.1", port=22) == "allow"
    assert model.evaluate(egress=False, protocol="6", ip="198.51.100.1", port=80) == "deny"


def test_vpc10_stateless_return_traffic_needs_its_own_rule(api, acl):
    acl_id = acl["NetworkAclId"]
    entry(api, acl_id, 100, "allow", ports=(80, 80))
    model = NetworkAcl.objects.get(resource_id=acl_id)
    assert model.evaluate(egress=False, protocol="6", ip="1.2.3.4", port=80) == "allow"
    # The reply to the client's ephemeral port is outbound traffic: denied until allowed.
    assert model.evaluate(egress=True, protocol="6", ip="1.2.3.4", port=50000) == "deny"
    entry(api, acl_id, 100, "allow", egress=True, ports=(1024, 65535))
    assert model.evaluate(egress=True, protocol="6", ip="1.2.3.4", port=50000) == "allow"


def test_vpc10_rule_numbers_are_unique_per_direction_and_in_range(api, acl):
    acl_id = acl["NetworkAclId"]
    entry(api, acl_id, 100, "allow")
    entry(api, acl_id, 100, "allow", egress=True)
    err = api.error(
        "CreateNetworkAclEntry",
        NetworkAclId=acl_id,
        RuleNumber=100,
        Protocol="-1",
        RuleAction="deny",
        Egress=False,
        CidrBlock="0.0.0.0/0",
    )
    assert err.code == "NetworkAclEntryAlreadyExists"
    assert err.message == "The network acl entry identified by 100 already exists."
    for number in (0, 32767, 40000):
        err = api.error(
            "CreateNetworkAclEntry",
            NetworkAclId=acl_id,
            RuleNumber=number,
            Protocol="-1",
            RuleAction="deny",
            Egress=False,
            CidrBlock="0.0.0.0/0",
        )
        assert err.code == "InvalidParameterValue", number


def test_tcp_rule_needs_a_port_range(api, acl):
    err = api.error(
        "CreateNetworkAclEntry",
        NetworkAclId=acl["NetworkAclId"],
        RuleNumber=10,
        Protocol="tcp",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
    )
    assert err.code == "MissingParameter"


def test_replace_and_delete_entries(api, acl):
    acl_id = acl["NetworkAclId"]
    entry(api, acl_id, 100, "allow")
    api.ReplaceNetworkAclEntry(
        NetworkAclId=acl_id,
        RuleNumber=100,
        Protocol="6",
        RuleAction="deny",
        Egress=False,
        CidrBlock="10.0.0.0/8",
        PortRange={"From": 443, "To": 443},
    )
    (out,) = api.DescribeNetworkAcls(NetworkAclIds=[acl_id])["NetworkAcls"]
    rule = next(e for e in out["Entries"] if e["RuleNumber"] == 100)
    assert rule == {
        "RuleNumber": 100,
        "Protocol": "6",
        "RuleAction": "deny",
        "Egress": False,
        "CidrBlock": "10.0.0.0/8",
        "PortRange": {"From": 443, "To": 443},
    }
    api.DeleteNetworkAclEntry(NetworkAclId=acl_id, RuleNumber=100, Egress=False)
    err = api.error("DeleteNetworkAclEntry", NetworkAclId=acl_id, RuleNumber=100, Egress=False)
    assert err.code == "InvalidNetworkAclEntry.NotFound"
    # The final * rule is not the user's to delete.
    err = api.error("DeleteNetworkAclEntry", NetworkAclId=acl_id, RuleNumber=32767, Egress=False)
    assert err.code == "InvalidNetworkAclEntry.NotFound"


def test_vpc10_twenty_rules_per_direction(api, acl):
    for n in range(1, 21):
        entry(api, acl["NetworkAclId"], n, "allow")
    err = api.error(
        "CreateNetworkAclEntry",
        NetworkAclId=acl["NetworkAclId"],
        RuleNumber=21,
        Protocol="-1",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
    )
    assert err.code == "NetworkAclEntryLimitExceeded"
    entry(api, acl["NetworkAclId"], 21, "allow", egress=True)


def test_vpc10_each_subnet_has_exactly_one_acl(api, vpc, subnet, acl):
    model = Subnet.objects.get(resource_id=subnet["SubnetId"])
    assert model.network_acl.is_default
    (default,) = api.DescribeNetworkAcls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}]
    )["NetworkAcls"]
    (assoc,) = [a for a in default["Associations"] if a["SubnetId"] == subnet["SubnetId"]]
    out = api.ReplaceNetworkAclAssociation(
        AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl["NetworkAclId"]
    )
    assert out["NewAssociationId"].startswith("aclassoc-")
    found = api.DescribeNetworkAcls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}]
    )["NetworkAcls"]
    assert [a["NetworkAclId"] for a in found] == [acl["NetworkAclId"]]
    err = api.error("DeleteNetworkAcl", NetworkAclId=acl["NetworkAclId"])
    assert err.code == "DependencyViolation"
    err = api.error(
        "ReplaceNetworkAclAssociation",
        AssociationId=assoc["NetworkAclAssociationId"],
        NetworkAclId=default["NetworkAclId"],
    )
    assert err.code == "InvalidAssociationID.NotFound"


def test_default_acl_cannot_be_deleted(api, vpc):
    default = NetworkAcl.objects.get(vpc__resource_id=vpc["VpcId"], is_default=True)
    err = api.error("DeleteNetworkAcl", NetworkAclId=default.resource_id)
    assert err.code == "InvalidParameterValue"
    assert NetworkAcl.objects.filter(pk=default.pk).exists()


def test_glb03_another_accounts_acl_is_not_found(api, other_api, acl):
    err = other_api.error("DeleteNetworkAcl", NetworkAclId=acl["NetworkAclId"])
    assert err.code == "InvalidNetworkAclID.NotFound"
