"""Switch role in a real browser: from the account menu to the role's coloured name in
the top bar, and back."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_switch_role_from_the_account_menu_and_back(page, transactional_db):
    from services.core import operations
    from services.core.accounts import create_account
    from services.core.context import CallContext

    account = create_account("switch@example.com", "correct horse battery", alias="switchy").account
    ctx = CallContext.system(account, "us-east-1")

    def iam(action, **params):
        return operations.call(ctx, "iam", action, params)

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account.id}:user/alice"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password="Corr3ct-horse")
    iam("CreateRole", RoleName="Reader", AssumeRolePolicyDocument=json.dumps(trust))
    iam("AttachRolePolicy", RoleName="Reader",
        PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")  # fmt: skip

    page.goto("/signin?mode=iam&account=switchy")
    page.get_by_label("IAM user name").fill("alice")
    page.get_by_label("Password").fill("Corr3ct-horse")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/**")

    page.locator("#account-button").click()
    page.get_by_role("link", name="Switch role").click()
    page.get_by_label("Account ID").fill("switchy")
    page.get_by_label("IAM role name").fill("Reader")
    page.get_by_label("Display name").fill("EC2 reader")
    page.get_by_text("Green").click()
    page.get_by_role("button", name="Switch Role").click()
    page.wait_for_url("**/home/**")
    badge = page.locator("[data-role-badge]")
    expect(badge).to_have_text("EC2 reader")
    expect(badge).to_have_css("background-color", "rgb(183, 202, 157)")

    page.goto("/us-east-1/ec2/volumes/")
    expect(page.get_by_role("heading", name="Volumes", exact=False).first).to_be_visible()
    page.locator("#account-button").click()
    expect(page.locator("#account-menu")).to_contain_text(
        f"arn:aws:sts::{account.id}:assumed-role/Reader/alice"
    )
    page.get_by_role("button", name="Switch back").click()
    page.wait_for_url("**/home/**")
    expect(page.locator("[data-role-badge]")).to_have_count(0)
    expect(page.locator("#account-button")).to_contain_text("alice @ switchy")
