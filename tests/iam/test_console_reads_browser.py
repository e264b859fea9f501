"""In a real browser, an IAM user without EC2 permissions sees the instances table's
"You are not authorized to perform this operation" alert and no instance, and is
signed out at their next click once their user is deleted."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_user_denied_ec2_sees_the_alert_then_loses_the_session(page, transactional_db):
    from services.core import operations
    from services.core.accounts import create_account
    from services.core.context import CallContext
    from services.ec2 import ami_catalog

    account = create_account("reads@example.com", "correct horse battery", alias="reads").account
    ctx = CallContext.system(account, "us-east-1")

    def call(service, action, **params):
        return operations.call(ctx, service, action, params)

    image = ami_catalog.default_image().image_id("us-east-1")
    instance = call("ec2", "RunInstances", ImageId=image, InstanceType="t2.micro", MinCount=1,
                    MaxCount=1)["Instances"][0]["InstanceId"]  # fmt: skip
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
        ],
    }
    call("iam", "CreateUser", UserName="dora")
    call("iam", "CreateLoginProfile", UserName="dora", Password="Corr3ct-horse")
    call("iam", "PutUserPolicy", UserName="dora", PolicyName="no-ec2",
         PolicyDocument=json.dumps(document))  # fmt: skip

    page.goto("/signin?mode=iam&account=reads")
    page.get_by_label("IAM user name").fill("dora")
    page.get_by_label("Password").fill("Corr3ct-horse")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/**")

    page.goto("/us-east-1/ec2/instances/")
    alert = page.get_by_role("alert").filter(has_text="ec2:DescribeInstances")
    expect(alert).to_contain_text("You are not authorized to perform this operation.")
    expect(alert).to_contain_text("with an explicit deny in an identity-based policy")
    expect(page.locator("#rt-count")).to_have_text("(0)")
    assert instance not in page.content()
    # Typing in the filter box (an htmx request) keeps the alert and shows no row.
    page.get_by_label("Filter instances").fill("i-")
    expect(page.locator("#rt-results [data-denied]")).to_be_visible()
    assert instance not in page.content()

    # The user is deleted while signed in: the next page is the sign-in page.
    call("iam", "DeleteLoginProfile", UserName="dora")
    call("iam", "DeleteUserPolicy", UserName="dora", PolicyName="no-ec2")
    call("iam", "DeleteUser", UserName="dora")
    page.goto("/us-east-1/iam/users/")
    page.wait_for_url("**/signin**")
    expect(page.locator("[data-session-ended]")).to_contain_text("dora")
