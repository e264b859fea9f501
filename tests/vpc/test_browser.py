"""The VPC console in a real browser: Create VPC with its live preview, then a
security group in the new VPC."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_create_a_vpc_with_two_subnets_and_a_security_group(signed_in):
    from services.vpc.models import SecurityGroup, Subnet, Vpc

    page = signed_in
    page.goto("/us-east-1/vpc/")
    expect(page.get_by_role("heading", name="VPC dashboard")).to_be_visible()
    page.get_by_role("link", name="Create VPC").click()
    expect(page.get_by_role("heading", name="Create VPC", exact=True)).to_be_visible()
    page.get_by_text("VPC and more", exact=True).click()
    more = page.locator("#vpc-more")
    expect(more).to_be_visible()
    page.get_by_label("IPv4 CIDR block").fill("10.20.0.0/16")
    page.locator("input[name=name]").fill("lab")
    more.locator("fieldset", has_text="Number of private subnets").get_by_text("0").click()
    preview = page.locator("#vpc-preview")
    # The preview follows the form without a reload.
    expect(preview).to_contain_text("Subnets (2)")
    expect(preview).to_contain_text("lab-subnet-public1-us-east-1a")
    expect(preview).to_contain_text("10.20.16.0/20")
    expect(preview).to_contain_text("lab-igw")
    page.get_by_role("button", name="Create VPC").click()
    expect(page.get_by_text("Every step succeeded.")).to_be_visible()
    vpc = Vpc.objects.get(tags__Name="lab-vpc")
    assert sorted(Subnet.objects.filter(vpc=vpc).values_list("cidr_block", flat=True)) == [
        "10.20.0.0/20",
        "10.20.16.0/20",
    ]
    page.get_by_role("link", name="View VPC").click()
    expect(page.get_by_role("heading", name=vpc.resource_id)).to_be_visible()

    page.goto("/us-east-1/vpc/security-groups/create/")
    page.get_by_label("Security group name").fill("web")
    page.get_by_label("Description").fill("web servers")
    page.get_by_label("VPC", exact=True).select_option(vpc.resource_id)
    page.get_by_role("button", name="Create security group").click()
    group = SecurityGroup.objects.get(vpc=vpc, group_name="web")
    expect(page.get_by_role("heading", name=group.resource_id)).to_be_visible()
    page.screenshot(path="/tmp/vpc-sg.png")
