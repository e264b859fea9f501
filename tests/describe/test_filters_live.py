"""Filters through unmodified boto3 against a live server: names derived from the
response shapes, AWS's value semantics (OR within a filter, AND across, wildcards,
booleans, numbers, dates) and paging over what the filters keep."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _f(**filters: list[str] | str) -> list[dict]:
    return [
        {
            "Name": name.replace("__", ".").replace("_", "-"),
            "Values": v if isinstance(v, list) else [v],
        }
        for name, v in filters.items()
    ]


def _ids(answer: dict, key: str, id_key: str) -> set[str]:
    return {item[id_key] for item in answer[key]}


def _instances(ec2, filters: list[dict]) -> set[str]:
    answer = ec2.describe_instances(Filters=filters)
    return {i["InstanceId"] for r in answer["Reservations"] for i in r["Instances"]}


def _image(ec2) -> str:
    return ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}]
    )["Images"][0]["ImageId"]


@pytest.mark.worker
def test_volumes_by_attached_instance_as_in_the_tutorial(student, aws_worker):
    ec2 = student.client("ec2")
    launched = ec2.run_instances(ImageId=_image(ec2), InstanceType="t3.micro", MinCount=1,
                                 MaxCount=1)["Instances"][0]  # fmt: skip
    iid, zone = launched["InstanceId"], launched["Placement"]["AvailabilityZone"]
    ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig={"Delay": 1})
    spare = ec2.create_volume(AvailabilityZone=zone, Size=2)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[spare], WaiterConfig={"Delay": 1})
    ec2.attach_volume(VolumeId=spare, InstanceId=iid, Device="/dev/sdf")
    loose = ec2.create_volume(AvailabilityZone=zone, Size=3)["VolumeId"]

    attached = ec2.describe_volumes(Filters=_f(attachment__instance_id=iid))["Volumes"]
    root = {v["VolumeId"] for v in attached} - {spare}
    assert spare in {v["VolumeId"] for v in attached} and len(root) == 1
    assert loose not in {v["VolumeId"] for v in attached}
    wild = ec2.describe_volumes(Filters=_f(attachment__instance_id=["i-nope", iid[:5] + "*"]))
    assert _ids(wild, "Volumes", "VolumeId") == {v["VolumeId"] for v in attached}
    # The AWS CLI's way of writing the same filter.
    done = student.cli("ec2", "describe-volumes", "--filters",
                       f"Name=attachment.instance-id,Values={iid}",
                       "Name=attachment.device,Values=/dev/sdf")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [v["VolumeId"] for v in done.data["Volumes"]] == [spare]
    # Booleans: the root volume goes with the instance, the attached one stays.
    kept = ec2.describe_volumes(Filters=_f(attachment__delete_on_termination="false"))
    assert _ids(kept, "Volumes", "VolumeId") == {spare}
    deleted = ec2.describe_volumes(Filters=_f(attachment__delete_on_termination="TRUE"))
    assert _ids(deleted, "Volumes", "VolumeId") == root
    # Numbers: OR within a filter, AND across filters.
    sized = ec2.describe_volumes(Filters=_f(size=["2", "3"]))
    assert _ids(sized, "Volumes", "VolumeId") == {spare, loose}
    both = ec2.describe_volumes(Filters=_f(size=["2", "3"], attachment__status="attached"))
    assert _ids(both, "Volumes", "VolumeId") == {spare}
    assert ec2.describe_volumes(Filters=_f(size="two"))["Volumes"] == []
    # Dates: the ISO 8601 text AWS writes, a wildcard for a whole day.
    day = ec2.describe_volumes(VolumeIds=[loose])["Volumes"][0]["CreateTime"]
    on_day = ec2.describe_volumes(Filters=_f(create_time=day.strftime("%Y-%m-%dT*")))
    assert loose in _ids(on_day, "Volumes", "VolumeId")
    assert ec2.describe_volumes(Filters=_f(create_time="1999-01-01T*"))["Volumes"] == []

    # Instances: block devices, network interfaces, metadata options, profiles.
    assert _instances(ec2, _f(block_device_mapping__volume_id=spare)) == {iid}
    assert _instances(ec2, _f(block_device_mapping__device_name="/dev/sdf")) == {iid}
    assert _instances(ec2, _f(block_device_mapping__status="attached")) == {iid}
    assert _instances(ec2, _f(block_device_mapping__delete_on_termination="false")) == {iid}
    assert _instances(ec2, _f(metadata_options__http_tokens="required")) == {iid}
    assert _instances(ec2, _f(metadata_options__http_tokens="optional")) == set()
    assert _instances(ec2, _f(metadata_options__http_put_response_hop_limit="2")) == {iid}
    eni = launched["NetworkInterfaces"][0]
    private_ip = eni["PrivateIpAddress"]
    assert _instances(ec2, _f(network_interface__addresses__private_ip_address=private_ip)) == {iid}
    assert _instances(ec2, _f(network_interface__addresses__primary="true")) == {iid}
    assert _instances(ec2, _f(network_interface__subnet_id=eni["SubnetId"])) == {iid}
    assert _instances(ec2, _f(network_interface__attachment__device_index="0")) == {iid}
    assert _instances(ec2, _f(network_interface__attachment__instance_id=iid)) == {iid}
    assert _instances(ec2, _f(network_interface__source_dest_check="true")) == {iid}
    assert _instances(ec2, _f(network_interface__group_name="def*")) == {iid}
    assert _instances(ec2, _f(source_dest_check="false")) == set()
    assert _instances(ec2, _f(iam_instance_profile__arn="arn:aws:iam::*")) == set()
    assert _instances(ec2, _f(launch_time=launched["LaunchTime"].strftime("%Y-%m-%dT*"))) == {iid}
    assert _instances(ec2, _f(availability_zone_id="use1-az*", tenancy="default")) == {iid}

    # Instance status: names matched on the InstanceStatus item, before paging.
    status = ec2.describe_instance_status(
        Filters=_f(instance_status__reachability=["passed", "initializing"])
    )["InstanceStatuses"]
    assert [s["InstanceId"] for s in status] == [iid]


@pytest.mark.worker
def test_paging_runs_over_what_the_filters_keep(student, aws_worker):
    ec2 = student.client("ec2")
    small = [ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"] for _ in range(7)]
    for _ in range(6):
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=4)
    seen: list[str] = []
    kwargs: dict = {"Filters": _f(size="1", multi_attach_enabled="false"), "MaxResults": 5}
    while True:
        page = ec2.describe_volumes(**kwargs)
        assert len(page["Volumes"]) <= 5
        seen += [v["VolumeId"] for v in page["Volumes"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert sorted(seen) == sorted(small)
    # botocore's paginator reads the same tokens.
    paginator = ec2.get_paginator("describe_volumes")
    pages = paginator.paginate(Filters=_f(size="1", create_time="2*"),
                               PaginationConfig={"PageSize": 5})  # fmt: skip
    assert sorted(v["VolumeId"] for p in pages for v in p["Volumes"]) == sorted(small)


def test_security_groups_route_tables_acls_and_subnets(student):
    ec2 = student.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ])  # fmt: skip
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "UserIdGroupPairs": [{"GroupId": web}]},
    ])  # fmt: skip

    def groups(**filters) -> set[str]:
        found = ec2.describe_security_groups(Filters=_f(vpc_id=vpc, **filters))
        return _ids(found, "SecurityGroups", "GroupId")

    assert groups(ip_permission__from_port="443") == {web}
    assert groups(ip_permission__to_port=["443", "8080"]) == {web, app}
    assert groups(ip_permission__from_port="x") == set()
    assert groups(ip_permission__ipv6_cidr="::/0") == set()  # IPv6 rules are not simulated
    assert groups(ip_permission__group_name="web") == {app}
    default = groups(group_name="default")
    # The default group allows itself: its pair names the account too.
    assert groups(ip_permission__user_id=student.account_id) == {app} | default
    assert groups(ip_permission__cidr="0.0.0.0/0", ip_permission__from_port="8080") == set()
    tcp_out = groups(egress__ip_permission__cidr="0.0.0.0/0", ip_permission__protocol="tcp")
    assert tcp_out == {web, app}
    assert groups(egress__ip_permission__protocol="-1", group_name="?pp") == {app}

    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]  # fmt: skip
    count = str(subnet["AvailableIpAddressCount"])
    found = ec2.describe_subnets(Filters=_f(vpc_id=vpc, available_ip_address_count=count))
    assert _ids(found, "Subnets", "SubnetId") == {subnet["SubnetId"]}
    found = ec2.describe_subnets(Filters=_f(vpc_id=vpc, available_ip_address_count="1"))
    assert found["Subnets"] == []
    hostname = {"private_dns_name_options_on_launch__hostname_type": "ip-name"}
    found = ec2.describe_subnets(Filters=_f(vpc_id=vpc, ipv6_native="false", **hostname))
    assert _ids(found, "Subnets", "SubnetId") == {subnet["SubnetId"]}

    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet["SubnetId"])

    def tables(**filters) -> set[str]:
        found = ec2.describe_route_tables(Filters=_f(vpc_id=vpc, **filters))
        return _ids(found, "RouteTables", "RouteTableId")

    main = tables(association__main="true")
    assert len(main) == 1 and table not in main
    assert tables(route__state="active", route__gateway_id="igw-*") == {table}
    assert tables(route__destination_cidr_block="10.20.0.0/16") == main | {table}
    assert tables(route__vpc_peering_connection_id="pcx-*") == set()

    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6",
                                 RuleAction="allow", Egress=False, CidrBlock="10.0.0.0/8",
                                 PortRange={"From": 22, "To": 22})  # fmt: skip

    def acls(**filters) -> set[str]:
        found = ec2.describe_network_acls(Filters=_f(vpc_id=vpc, **filters))
        return _ids(found, "NetworkAcls", "NetworkAclId")

    assert acls(entry__port_range__from="22", entry__port_range__to="22") == {acl}
    assert acls(entry__port_range__from="23") == set()
    default_acl = acls(default="true")
    # The default ACL's rule 100 allows everything in: it matches too.
    assert acls(entry__rule_number="100", entry__egress="false") == {acl} | default_acl
    assert acls(entry__rule_number="100", entry__protocol="6") == {acl}
    assert acls(entry__cidr="10.*") == {acl}

    # DescribeVpcs' older names, still answered by AWS and sent by tools.
    for name in ("cidr-block", "cidrBlock", "cidr", "cidr-block-association.cidr-block"):
        found = ec2.describe_vpcs(Filters=[{"Name": name, "Values": ["10.20.0.0/16"]}])
        assert _ids(found, "Vpcs", "VpcId") == {vpc}, name
    found = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["false"]}])
    assert _ids(found, "Vpcs", "VpcId") == {vpc}


def test_wildcards_do_not_blow_up_and_unknown_names_are_rejected(student):
    ec2 = student.client("ec2")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    # A value of many stars and a literal tail costs what one star costs.
    value = "*a" * 2000 + "b"
    assert ec2.describe_volumes(Filters=_f(attachment__device=value))["Volumes"] == []
    assert ec2.describe_availability_zones(Filters=_f(zone_name="us-east-1?"))["AvailabilityZones"]
    # `[` is no character class in AWS filters.
    assert (
        ec2.describe_availability_zones(Filters=_f(zone_name="us-east-1[ab]"))["AvailabilityZones"]
        == []
    )
    # A filter without values matches nothing, on a column or on the item.
    for name in ("volume-type", "attachment.device", "tag:Name", "tag-key"):
        assert ec2.describe_volumes(Filters=[{"Name": name, "Values": []}])["Volumes"] == []
    assert ec2.describe_volumes(Filters=_f(volume_type="gp*"))["Volumes"]
    for call, name in (
        (ec2.describe_volumes, "attachment.nonsense"),
        (ec2.describe_instances, "network-interface.bogus"),
        (ec2.describe_security_groups, "ip-permission"),
        (ec2.describe_subnets, "tag"),
    ):
        with pytest.raises(ClientError) as info:
            call(Filters=[{"Name": name, "Values": ["x"]}])
        error = info.value.response["Error"]
        assert error["Code"] == "InvalidParameterValue"
        assert error["Message"] == f"The filter '{name}' is invalid"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
