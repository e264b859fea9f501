"""EC2's console pages through Django's test client: the dashboard, the Launch instance
page, key pairs with their one download, instance details and the Actions modals."""

import base64
import hashlib
import re

from cryptography.hazmat.primitives import serialization

from services.core import lifecycle, operations
from services.ec2 import ami_catalog
from services.ec2.models import Image, Instance, KeyPair, Volume
from services.vpc.models import SecurityGroup
from tests.pages import text as page_text

R = "/us-east-1/ec2"
AL2023 = ami_catalog.default_image().image_id("us-east-1")


def default_group() -> SecurityGroup:
    return SecurityGroup.objects.get(region="us-east-1", group_name="default")


def launch_form(console, **fields):
    page = console.get(f"{R}/launch/")
    token = re.search(r'name="client_token" value="([^"]+)"', page.content.decode()).group(1)
    vpc = re.search(r'<option value="(vpc-[0-9a-f]+)" selected', page.content.decode()).group(1)
    data = {
        "ImageId": AL2023,
        "InstanceType": "t2.micro",
        "VpcId": vpc,
        "SubnetId": "",
        "AutoAssignPublicIp": "enable",
        "firewall": "create",
        "group_name": "launch-wizard-1",
        "group_description": "launch-wizard-1 created by a test",
        "allow_ssh": "on",
        "ssh_source": "anywhere",
        "root_size": "8",
        "root_type": "gp3",
        "InstanceInitiatedShutdownBehavior": "stop",
        "count": "1",
        "client_token": token,
    }
    data.update(fields)
    return console.post(f"{R}/launch/", data)


def test_dashboard_counts_and_launch_button(console, ec2):
    ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=2, MaxCount=2)
    ec2("CreateKeyPair", KeyName="k")
    response = console.get(f"{R}/", follow=True)
    text = page_text(response)
    assert "EC2 Dashboard" in text and "Launch instance" in text
    assert "Instances (all states) 2" in text and "Key pairs 1" in text
    assert "Security groups 1" in text  # the default VPC's default group


def test_launch_page_creates_group_and_instance(console):
    response = launch_form(
        console,
        Name="web-1",
        allow_http="on",
        root_size="12",
        UserData="#!/bin/bash\necho hi\n",
        DisableApiTermination="on",
    )
    assert response.status_code == 302, page_text(response)[:800]
    assert "/launch/success/?ids=i-" in response["Location"]
    success = page_text(console.get(response["Location"]))
    instance = Instance.objects.get()
    assert "Successfully initiated launch of instance" in success
    assert instance.resource_id in success
    assert instance.tags == {"Name": "web-1"} and instance.disable_api_termination
    assert base64.b64decode(instance.user_data) == b"#!/bin/bash\necho hi\n"
    group = SecurityGroup.objects.get(group_name="launch-wizard-1")
    assert [g.resource_id for g in instance.security_groups] == [group.resource_id]
    inbound = {(r.from_port, r.cidr_ipv4) for r in group.rules.filter(is_egress=False)}
    assert inbound == {(22, "0.0.0.0/0"), (80, "0.0.0.0/0")}
    root = Volume.objects.get(attachments__device="/dev/xvda")
    assert (root.size, root.volume_type, root.tags) == (12, "gp3", {"Name": "web-1"})


def test_launch_page_my_ip_and_existing_groups(console, ec2):
    launch_form(console, ssh_source="myip", group_name="mine")
    group = SecurityGroup.objects.get(group_name="mine")
    assert group.rules.get(is_egress=False).cidr_ipv4 == "127.0.0.1/32"
    default = default_group()
    response = launch_form(console, firewall="existing", SecurityGroupIds=[default.resource_id])
    assert response.status_code == 302
    newest = Instance.objects.order_by("-pk").first()
    assert [g.group_name for g in newest.security_groups] == ["default"]


def test_launch_page_double_submit_launches_once(console):
    page = console.get(f"{R}/launch/")
    token = re.search(r'name="client_token" value="([^"]+)"', page.content.decode()).group(1)
    first = launch_form(console, client_token=token, firewall="existing",
                        SecurityGroupIds=[default_group().resource_id])  # fmt: skip
    second = launch_form(console, client_token=token, firewall="existing",
                         SecurityGroupIds=[default_group().resource_id])  # fmt: skip
    assert first["Location"] == second["Location"]
    assert Instance.objects.count() == 1


def test_launch_page_shows_aws_errors(console):
    response = launch_form(
        console, InstanceType="g4dn.xlarge", firewall="existing",
        SecurityGroupIds=[default_group().resource_id],
    )  # fmt: skip
    assert response.status_code == 200
    assert "VcpuLimitExceeded" in page_text(response)
    assert not Instance.objects.exists()
    response = launch_form(console, ssh_source="custom", ssh_cidr="not-a-cidr")
    assert "Enter a CIDR block" in page_text(response)


def test_ec2_11_key_pair_downloads_once(console):
    response = console.post(
        f"{R}/key-pairs/create/", {"KeyName": "lab", "KeyType": "rsa", "KeyFormat": "pem"}
    )
    assert response.status_code == 302
    created = console.get(response["Location"])
    assert "Successfully created key pair lab." in page_text(created)
    link = re.search(r'href="([^"]+/file/)"', created.content.decode()).group(1)
    download = console.get(link)
    assert download["Content-Disposition"] == 'attachment; filename="lab.pem"'
    private = serialization.load_pem_private_key(download.content, password=None)
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fingerprint = ":".join(f"{b:02x}" for b in hashlib.sha1(der).digest())
    assert KeyPair.objects.get(key_name="lab").fingerprint == fingerprint
    assert console.get(link).status_code == 404
    assert "can't be downloaded again" in page_text(console.get(response["Location"]))
    listed = page_text(console.get(f"{R}/key-pairs/"))
    assert "lab" in listed and fingerprint in listed


def test_import_key_pair_page(console):
    from cryptography.hazmat.primitives.asymmetric import ed25519

    public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    response = console.post(
        f"{R}/key-pairs/import/", {"KeyName": "laptop", "PublicKeyMaterial": public.decode()}
    )
    assert response.status_code == 302
    assert "Successfully imported key pair laptop." in page_text(console.get(response["Location"]))
    bad = console.post(f"{R}/key-pairs/import/", {"KeyName": "x", "PublicKeyMaterial": "nope"})
    assert "InvalidKey.Format" in page_text(bad)


def test_instance_details_tabs(console, ec2):
    out = ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=1, MaxCount=1)
    inst = out["Instances"][0]
    lifecycle.settle()
    url = f"{R}/instances/{inst['InstanceId']}/"
    details = page_text(console.get(url))
    assert f"Instance summary for {inst['InstanceId']}" in details
    assert "Running" in details and inst["PrivateIpAddress"] in details
    networking = page_text(console.get(url + "?tab=networking"))
    assert inst["NetworkInterfaces"][0]["NetworkInterfaceId"] in networking
    storage = page_text(console.get(url + "?tab=storage"))
    assert "/dev/xvda" in storage and inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"] in storage
    security = page_text(console.get(url + "?tab=security"))
    assert "default" in security and "Inbound rules" in security
    status = page_text(console.get(url + "?tab=status"))
    assert "2/2 checks passed" in status


def test_instance_list_actions_and_settings_modal(console, ec2):
    iid = ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    lifecycle.settle()
    listing = page_text(console.get(f"{R}/instances/"))
    assert iid in listing and "Running" in listing and "t2.micro" in listing
    modal = console.get(f"{R}/instances/actions/ModifyInstanceAttribute/", {"ids": iid})
    assert "To change the instance type, stop the instance first." in page_text(modal)
    console.post(
        f"{R}/instances/actions/ModifyInstanceAttribute/",
        {"ids": iid, "DisableApiTermination": "on", "InstanceInitiatedShutdownBehavior": "stop"},
    )
    assert Instance.objects.get(resource_id=iid).disable_api_termination
    # EC2-06 through the console: terminate is refused with a red flashbar.
    refused = console.post(f"{R}/instances/actions/TerminateInstances/", {"ids": iid}, follow=True)
    assert "OperationNotPermitted" in page_text(refused)
    console.post(f"{R}/instances/actions/StopInstances/", {"ids": iid})
    lifecycle.settle()
    console.post(
        f"{R}/instances/actions/ModifyInstanceAttribute/",
        {"ids": iid, "InstanceType": "t3.small", "DisableApiTermination": "on",
         "InstanceInitiatedShutdownBehavior": "stop"},
    )  # fmt: skip
    assert Instance.objects.get(resource_id=iid).instance_type == "t3.small"


def test_manage_tags_and_create_image_modals(console, ec2):
    iid = ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    lifecycle.settle()
    console.post(
        f"{R}/instances/actions/CreateTags/",
        {"ids": iid, "tag_key": ["Name", "env", ""], "tag_value": ["web", "lab", ""]},
    )
    assert Instance.objects.get(resource_id=iid).tags == {"Name": "web", "env": "lab"}
    console.post(
        f"{R}/instances/actions/CreateTags/",
        {"ids": iid, "tag_key": ["Name", ""], "tag_value": ["web", "lab"]},
    )
    assert Instance.objects.get(resource_id=iid).tags == {"Name": "web"}
    response = console.post(
        f"{R}/instances/actions/CreateImage/",
        {"InstanceId": iid, "Name": "golden", "Description": "v1", "reboot": "on"},
    )
    image = Image.objects.get()
    assert response["Location"] == f"{R}/amis/{image.resource_id}/"
    assert image.image_name == "golden" and image.state == "pending"
    assert "golden" in page_text(console.get(f"{R}/amis/"))


def test_ebs_01_attach_modal_offers_same_az_instances_only(console, ec2):
    a = ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=1, MaxCount=1,
            Placement={"AvailabilityZone": "us-east-1a"})["Instances"][0]["InstanceId"]  # fmt: skip
    b = ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=1, MaxCount=1,
            Placement={"AvailabilityZone": "us-east-1b"})["Instances"][0]["InstanceId"]  # fmt: skip
    vol = ec2("CreateVolume", AvailabilityZone="us-east-1b", Size=5)["VolumeId"]
    lifecycle.settle()
    modal = console.get(f"{R}/volumes/actions/AttachVolume/", {"ids": vol}).content.decode()
    assert b in modal and a not in modal
    console.post(
        f"{R}/volumes/actions/AttachVolume/", {"ids": vol, "InstanceId": b, "Device": "/dev/sdf"}
    )
    assert Volume.objects.get(resource_id=vol).state == "in-use"


def test_other_accounts_instances_are_not_shown(console, other_account):
    from services.core.context import CallContext, Principal

    theirs = CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws")
    iid = operations.call(
        theirs, "ec2", "RunInstances",
        {"ImageId": AL2023, "InstanceType": "t2.micro", "MinCount": 1, "MaxCount": 1},
    )["Instances"][0]["InstanceId"]  # fmt: skip
    assert iid not in page_text(console.get(f"{R}/instances/"))
    assert console.get(f"{R}/instances/{iid}/").status_code == 404


def test_network_and_security_links_lead_to_the_vpc_pages(console):
    response = console.get(f"{R}/security-groups/")
    assert response.status_code == 302
    assert response["Location"] == "/us-east-1/vpc/security-groups/"
    nav = console.get(f"{R}/instances/").content.decode()
    assert f'href="{R}/security-groups/"' in nav and f'href="{R}/key-pairs/"' in nav


def test_launch_page_places_instances_in_a_placement_group(console, ec2):
    ec2("CreatePlacementGroup", GroupName="hpc", Strategy="cluster")
    lifecycle.settle()
    page = console.get(f"{R}/launch/").content.decode()
    assert '<option value="hpc">hpc (cluster)</option>' in page
    response = launch_form(console, placement_group="hpc")
    assert response.status_code == 302, page_text(response)[:800]
    instance = Instance.objects.get()
    assert instance.placement_group_name == "hpc"
    described = ec2("DescribeInstances", InstanceIds=[instance.resource_id])
    assert described["Reservations"][0]["Instances"][0]["Placement"]["GroupName"] == "hpc"
    # The details page shows it.
    details = page_text(console.get(f"{R}/instances/{instance.resource_id}/"))
    assert "Placement group hpc" in details
