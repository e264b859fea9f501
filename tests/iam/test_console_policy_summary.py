"""A policy's details page: the visual summary per service beside the JSON."""

import json
import re

from services.iam import aws_managed
from services.iam.models import ManagedPolicy
from services.iam.visual_summary import access_level


def _row(content: bytes, effect: str, service: str) -> str:
    table = content.decode().split(f'data-effect="{effect}"')[1].split("</table>")[0]
    match = re.search(rf'<tr data-service="{service}">(.*?)</tr>', table, re.S)
    assert match, f"no {service} row under {effect}"
    return match.group(1)


def test_access_levels_follow_aws_naming():
    assert access_level("DescribeVolumes") == "List"
    assert access_level("GetPolicyVersion") == "Read"
    assert access_level("CreateVolume") == "Write"
    assert access_level("AttachUserPolicy") == "Permissions management"
    assert access_level("PutBucketPolicy") == "Permissions management"
    assert access_level("CreateTags") == "Tagging"
    assert access_level("UntagRole") == "Tagging"


def test_a_customer_policy_is_summarized_per_service_beside_its_json(iam, console):
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "ec2:CreateVolume",
                "Resource": "arn:aws:ec2:us-east-1:*:volume/*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
            },
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        ],
    }
    iam("CreatePolicy", PolicyName="Mixed", PolicyDocument=json.dumps(document))
    policy = ManagedPolicy.objects.get(name="Mixed")
    page = console.get(f"/us-east-1/iam/policies/{policy.resource_id}/")
    assert page.status_code == 200
    ec2 = _row(page.content, "Allow", "ec2")
    assert "Full: List" in ec2 and "Limited: Write" in ec2
    assert "arn:aws:ec2:us-east-1:*:volume/*" in ec2 and "All resources" in ec2
    assert "StringEquals aws:RequestedRegion: us-east-1" in ec2
    assert "Full access" in _row(page.content, "Deny", "s3")
    assert b"data-policy-json" in page.content and b"ec2:CreateVolume" in page.content


def test_an_aws_managed_policy_has_a_summary_too(console):
    admin = aws_managed.get("arn:aws:iam::aws:policy/AdministratorAccess")
    page = console.get(f"/us-east-1/iam/policies/{admin.policy_id}/")
    assert page.status_code == 200
    assert "Full access" in _row(page.content, "Allow", "ec2")
    assert "Full access" in _row(page.content, "Allow", "iam")
    read_only = aws_managed.get("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")
    page = console.get(f"/us-east-1/iam/policies/{read_only.policy_id}/")
    ec2 = _row(page.content, "Allow", "ec2")
    assert "Full: List" in ec2 and "Write" not in ec2
