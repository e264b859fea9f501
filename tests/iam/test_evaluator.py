"""The policy evaluator, table-driven. Each case names the AWS documentation it comes
from (IAM User Guide page, section) and the FIDELITY rule where one applies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from services.iam.evaluator import NamedPolicy, Request, evaluate
from services.iam.policy_doc import parse_policy

ACCT = "123456789012"
OTHER = "210987654321"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
SESSION_ARN = f"arn:aws:sts::{ACCT}:assumed-role/app/s1"
VOLUME = f"arn:aws:ec2:us-east-1:{ACCT}:volume/vol-0123456789abcdef0"

EVAL = "Policy evaluation logic: How AWS enforcement code logic evaluates requests"
SINGLE = "Policy evaluation for requests within a single account"
CROSS = "Cross-account policy evaluation logic"
IMPLICIT = "The difference between explicit and implicit denies"
COND = "IAM JSON policy elements: Condition operators"
MULTI = "Single-valued vs. multivalued context keys (set operators)"
VARS = "IAM policy elements: Variables and tags"
BOUNDARY = "Permissions boundaries for IAM entities"
SESSION = "Session policies (Policies and permissions in IAM)"
ACTION = "IAM JSON policy elements: Action / NotAction"
RESOURCE = "IAM JSON policy elements: Resource / NotResource"
PRINCIPAL = "IAM JSON policy elements: Principal / NotPrincipal"


def stmt(effect="Allow", action="*", resource="*", **extra) -> dict:
    s = {"Effect": effect}
    if action is not None:
        s["Action"] = action
    if resource is not None:
        s["Resource"] = resource
    s.update(extra)
    return s


def policy(*statements, name="test-policy", version="2012-10-17", kind="identity"):
    doc = {"Version": version, "Statement": list(statements)}
    return NamedPolicy(name, parse_policy(json.dumps(doc), kind))


@dataclass
class Case:
    name: str
    source: str
    expect: str  # allowed, explicitDeny, implicitDeny
    identity: list = field(default_factory=list)
    action: str = "ec2:RunInstances"
    resource: str = "*"
    context: dict = field(default_factory=dict)
    principal: str = ALICE
    role_arn: str = ""
    resource_account: str = ""
    resource_policies: list = field(default_factory=list)
    boundary: list | None = None
    session: list | None = None
    trust: bool = False
    reason: str = ""  # a part of the reason AWS's message gives
    rule: str = ""


ALLOW_ALL = policy(stmt(), name="AdministratorAccess")
TAG = "aws:ResourceTag/env"


def rp(*statements):
    return policy(*statements, name="bucket-policy", kind="resource")


CASES = [
    # --- explicit deny, allow, implicit deny -------------------------------------------
    Case("no policy: implicit deny", IMPLICIT, "implicitDeny", rule="IAM-01",
         reason="because no identity-based policy allows the ec2:RunInstances action"),
    Case("allow all", EVAL, "allowed", [ALLOW_ALL]),
    Case("deny beats allow", EVAL, "explicitDeny",
         [ALLOW_ALL, policy(stmt("Deny", "ec2:RunInstances"))], rule="IAM-02",
         reason="with an explicit deny in an identity-based policy"),
    Case("deny in the same policy beats allow", EVAL, "explicitDeny",
         [policy(stmt(), stmt("Deny", "ec2:*"))], rule="IAM-02"),
    Case("deny of another action does not apply", EVAL, "allowed",
         [ALLOW_ALL, policy(stmt("Deny", "ec2:TerminateInstances"))]),
    Case("allow of another action: implicit deny", IMPLICIT, "implicitDeny",
         [policy(stmt(action="ec2:DescribeInstances"))], rule="IAM-01"),
    # --- Action / NotAction -------------------------------------------------------------
    Case("action wildcard prefix", ACTION, "allowed",
         [policy(stmt(action="ec2:Describe*"))], action="ec2:DescribeVolumes"),
    Case("action wildcard does not match another verb", ACTION, "implicitDeny",
         [policy(stmt(action="ec2:Describe*"))], action="ec2:CreateVolume"),
    Case("action names are case-insensitive", ACTION, "allowed",
         [policy(stmt(action="EC2:describevolumes"))], action="ec2:DescribeVolumes"),
    Case("? matches one character", ACTION, "allowed",
         [policy(stmt(action="iam:?etUser"))], action="iam:GetUser"),
    Case("service wildcard covers only its service", ACTION, "implicitDeny",
         [policy(stmt(action="s3:*"))], action="ec2:RunInstances"),
    Case("NotAction allows everything but the listed", ACTION, "allowed",
         [policy(stmt(action=None, NotAction="iam:*"))]),
    Case("NotAction does not allow the listed action", ACTION, "implicitDeny",
         [policy(stmt(action=None, NotAction="iam:*"))], action="iam:CreateUser"),
    Case("Deny with NotAction denies all other actions", ACTION, "explicitDeny",
         [ALLOW_ALL, policy(stmt("Deny", None, NotAction=["iam:ChangePassword"]))]),
    Case("Deny with NotAction spares the listed action", ACTION, "allowed",
         [ALLOW_ALL, policy(stmt("Deny", None, NotAction=["iam:ChangePassword"]))],
         action="iam:ChangePassword"),
    # --- Resource / NotResource ---------------------------------------------------------
    Case("resource ARN matches", RESOURCE, "allowed",
         [policy(stmt(resource=VOLUME))], action="ec2:DeleteVolume", resource=VOLUME),
    Case("another resource ARN does not", RESOURCE, "implicitDeny",
         [policy(stmt(resource=VOLUME.replace("abcdef0", "abcdef1")))],
         action="ec2:DeleteVolume", resource=VOLUME),
    Case("wildcard within the resource part", RESOURCE, "allowed",
         [policy(stmt(resource=f"arn:aws:ec2:*:{ACCT}:volume/*"))], resource=VOLUME),
    Case("wildcard does not cross ARN parts (other account)", RESOURCE, "implicitDeny",
         [policy(stmt(resource=f"arn:aws:ec2:*:{OTHER}:volume/*"))], resource=VOLUME),
    Case("resource type must match", RESOURCE, "implicitDeny",
         [policy(stmt(resource=f"arn:aws:ec2:*:{ACCT}:instance/*"))], resource=VOLUME),
    Case("* in the last part spans slashes", RESOURCE, "allowed",
         [policy(stmt(action="s3:GetObject", resource="arn:aws:s3:::bucket/*"))],
         action="s3:GetObject", resource="arn:aws:s3:::bucket/a/b/c.txt"),
    Case("an ARN pattern does not match an action without resource-level permissions",
         RESOURCE, "implicitDeny",
         [policy(stmt(action="ec2:Describe*", resource=f"arn:aws:ec2:*:{ACCT}:volume/*"))],
         action="ec2:DescribeVolumes", resource="*"),
    Case("NotResource allows other resources", RESOURCE, "allowed",
         [policy(stmt(resource=None, NotResource=f"arn:aws:ec2:*:{ACCT}:instance/*"))],
         resource=VOLUME),
    Case("NotResource excludes the listed resources", RESOURCE, "implicitDeny",
         [policy(stmt(resource=None, NotResource=f"arn:aws:ec2:*:{ACCT}:volume/*"))],
         resource=VOLUME),
    # --- policy variables ---------------------------------------------------------------
    Case("${aws:username} in a resource", VARS, "allowed",
         [policy(stmt(action="iam:*AccessKey*",
                      resource=f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
         action="iam:CreateAccessKey", resource=ALICE, context={"aws:username": "alice"}),
    Case("${aws:username} does not reach another user", VARS, "implicitDeny",
         [policy(stmt(action="iam:*AccessKey*",
                      resource=f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
         action="iam:CreateAccessKey", resource=f"arn:aws:iam::{ACCT}:user/bob",
         context={"aws:username": "alice"}),
    Case("a variable without a value matches nothing", VARS, "implicitDeny",
         [policy(stmt(resource=f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
         resource=ALICE),
    Case("a variable's default value is used when the key is missing", VARS, "allowed",
         [policy(stmt(resource="arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*"))],
         resource="arn:aws:s3:::home/shared/file"),
    Case("version 2008-10-17 treats ${...} as text", VARS, "implicitDeny",
         [policy(stmt(resource=f"arn:aws:iam::{ACCT}:user/${{aws:username}}"),
                 version="2008-10-17")],
         resource=ALICE, context={"aws:username": "alice"}),
    Case("variables in condition values", VARS, "allowed",
         [policy(stmt(Condition={"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}))],
         context={"aws:ResourceTag/owner": "alice", "aws:username": "alice"}),
    # --- condition operators ------------------------------------------------------------
    Case("StringEquals on a tag", COND, "allowed",
         [policy(stmt(Condition={"StringEquals": {TAG: "dev"}}))], context={TAG: "dev"}),
    Case("StringEquals is case-sensitive", COND, "implicitDeny",
         [policy(stmt(Condition={"StringEquals": {TAG: "dev"}}))], context={TAG: "DEV"}),
    Case("condition key names are case-insensitive", COND, "allowed",
         [policy(stmt(Condition={"StringEquals": {"AWS:ResourceTag/ENV": "dev"}}))],
         context={TAG: "dev"}),
    Case("StringEqualsIgnoreCase", COND, "allowed",
         [policy(stmt(Condition={"StringEqualsIgnoreCase": {TAG: "dev"}}))],
         context={TAG: "DEV"}),
    Case("several values are ORed", COND, "allowed",
         [policy(stmt(Condition={"StringEquals": {TAG: ["dev", "test"]}}))],
         context={TAG: "test"}),
    Case("several keys are ANDed", COND, "implicitDeny",
         [policy(stmt(Condition={"StringEquals": {TAG: "dev",
                                                  "aws:RequestedRegion": "eu-west-1"}}))],
         context={TAG: "dev", "aws:RequestedRegion": "us-east-1"}),
    Case("several operators are ANDed", COND, "implicitDeny",
         [policy(stmt(Condition={"StringEquals": {TAG: "dev"},
                                 "Bool": {"aws:MultiFactorAuthPresent": "true"}}))],
         context={TAG: "dev", "aws:MultiFactorAuthPresent": "false"}),
    Case("StringLike wildcards", COND, "allowed",
         [policy(stmt(Condition={"StringLike": {"aws:PrincipalTag/team": "web-*"}}))],
         context={"aws:PrincipalTag/team": "web-frontend"}),
    Case("StringNotLike excludes", COND, "implicitDeny",
         [policy(stmt(Condition={"StringNotLike": {"aws:PrincipalTag/team": "web-*"}}))],
         context={"aws:PrincipalTag/team": "web-frontend"}),
    Case("StringNotEquals with several values is true when none matches", COND, "allowed",
         [policy(stmt(Condition={"StringNotEquals": {TAG: ["prod", "staging"]}}))],
         context={TAG: "dev"}),
    Case("missing key: positive operator is false", COND + " (Important)", "implicitDeny",
         [policy(stmt(Condition={"StringEquals": {TAG: "dev"}}))]),
    Case("missing key: negated operator is true", COND + " (Important)", "allowed",
         [policy(stmt(Condition={"StringNotEquals": {TAG: "prod"}}))]),
    Case("missing key: ArnNotLike is true", COND + " (Important)", "allowed",
         [policy(stmt(Condition={"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::x"}}))]),
    Case("...IfExists is true when the key is missing", COND + " (...IfExists)", "allowed",
         [policy(stmt(Condition={"StringEqualsIfExists": {TAG: "dev"}}))]),
    Case("...IfExists still tests a present key", COND + " (...IfExists)", "implicitDeny",
         [policy(stmt(Condition={"StringEqualsIfExists": {TAG: "dev"}}))],
         context={TAG: "prod"}),
    Case("Null true: key absent", COND + " (Null)", "allowed",
         [policy(stmt(Condition={"Null": {"aws:TokenIssueTime": "true"}}))]),
    Case("Null false: key present", COND + " (Null)", "implicitDeny",
         [policy(stmt(Condition={"Null": {"aws:TokenIssueTime": "false"}}))]),
    Case("NumericLessThan", COND + " (Numeric)", "allowed",
         [policy(stmt(Condition={"NumericLessThan": {"s3:max-keys": "10"}}))],
         context={"s3:max-keys": "5"}),
    Case("NumericGreaterThanEquals fails", COND + " (Numeric)", "implicitDeny",
         [policy(stmt(Condition={"NumericGreaterThanEquals": {"s3:max-keys": 10}}))],
         context={"s3:max-keys": "5"}),
    Case("DateLessThan on aws:CurrentTime", COND + " (Date)", "allowed",
         [policy(stmt(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}))],
         context={"aws:CurrentTime": "2026-05-01T12:00:00Z"}),
    Case("DateGreaterThan with epoch seconds", COND + " (Date)", "implicitDeny",
         [policy(stmt(Condition={"DateGreaterThan": {"aws:EpochTime": "1893456000"}}))],
         context={"aws:EpochTime": "1777636800"}),
    Case("Bool MFA deny when absent uses BoolIfExists", COND + " (Boolean)", "explicitDeny",
         [ALLOW_ALL, policy(stmt("Deny", Condition={
             "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))]),
    Case("Bool MFA present passes", COND + " (Boolean)", "allowed",
         [policy(stmt(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))],
         context={"aws:MultiFactorAuthPresent": "true"}),
    Case("Bool accepts JSON true", COND + " (Boolean)", "allowed",
         [policy(stmt(Condition={"Bool": {"aws:SecureTransport": True}}))],
         context={"aws:SecureTransport": "true"}),
    Case("BinaryEquals", COND + " (Binary)", "allowed",
         [policy(stmt(Condition={"BinaryEquals": {"dynamodb:Key": "QmluYXJ5VmFsdWU="}}))],
         context={"dynamodb:Key": "QmluYXJ5VmFsdWU="}),
    Case("IpAddress in CIDR", COND + " (IP address)", "allowed",
         [policy(stmt(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
         context={"aws:SourceIp": "203.0.113.77"}),
    Case("NotIpAddress deny outside the corporate range", COND + " (IP address)",
         "explicitDeny",
         [ALLOW_ALL, policy(stmt("Deny", Condition={
             "NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}))],
         context={"aws:SourceIp": "198.51.100.9"}),
    Case("IPv6 ranges", COND + " (IP address)", "allowed",
         [policy(stmt(Condition={"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}))],
         context={"aws:SourceIp": "2001:db8:1234::1"}),
    Case("ArnLike on aws:PrincipalArn", COND + " (ARN)", "allowed",
         [policy(stmt(Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:user/*"}}))],
         context={"aws:PrincipalArn": ALICE}),
    Case("ArnEquals checks each part", COND + " (ARN)", "implicitDeny",
         [policy(stmt(Condition={"ArnEquals": {
             "aws:PrincipalArn": f"arn:aws:iam::{OTHER}:user/*"}}))],
         context={"aws:PrincipalArn": ALICE}),
    # --- set operators ------------------------------------------------------------------
    Case("ForAllValues: every requested tag key is allowed", MULTI, "allowed",
         [policy(stmt(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}))],
         context={"aws:TagKeys": ["env"]}),
    Case("ForAllValues: one key outside the set", MULTI, "implicitDeny",
         [policy(stmt(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}))],
         context={"aws:TagKeys": ["env", "cost"]}),
    Case("ForAllValues is true when the key is missing", MULTI, "allowed",
         [policy(stmt(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}))]),
    Case("ForAnyValue: one key in the set is enough", MULTI, "allowed",
         [policy(stmt(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}))],
         context={"aws:TagKeys": ["cost", "env"]}),
    Case("ForAnyValue is false when the key is missing", MULTI, "implicitDeny",
         [policy(stmt(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}))]),
    Case("ForAnyValue:StringLike", MULTI, "allowed",
         [policy(stmt(Condition={"ForAnyValue:StringLike": {"aws:TagKeys": ["cost-*"]}}))],
         context={"aws:TagKeys": ["cost-center"]}),
    # --- permissions boundaries ---------------------------------------------------------
    Case("boundary and identity both allow", BOUNDARY, "allowed",
         [policy(stmt(action="ec2:*"))], boundary=[policy(stmt(action="ec2:*"))], rule="IAM-09"),
    Case("identity allows, boundary does not", BOUNDARY, "implicitDeny",
         [ALLOW_ALL], boundary=[policy(stmt(action="s3:*"))], rule="IAM-09",
         reason="because no permissions boundary allows the ec2:RunInstances action"),
    Case("boundary allows, identity does not: a boundary grants nothing", BOUNDARY,
         "implicitDeny", [], boundary=[ALLOW_ALL], rule="IAM-09",
         reason="because no identity-based policy allows"),
    Case("explicit deny in the boundary", BOUNDARY, "explicitDeny",
         [ALLOW_ALL], boundary=[policy(stmt(), stmt("Deny", "ec2:RunInstances"))],
         rule="IAM-09", reason="with an explicit deny in a permissions boundary"),
    Case("resource policy naming the user is not limited by the boundary",
         SINGLE + " / " + BOUNDARY, "allowed", [], action="s3:GetObject",
         resource="arn:aws:s3:::b/k", boundary=[policy(stmt(action="ec2:*"))],
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::b/*",
                                    Principal={"AWS": ALICE}))], rule="IAM-09"),
    # --- session policies ---------------------------------------------------------------
    Case("session policy limits the role's permissions", SESSION, "implicitDeny",
         [ALLOW_ALL], session=[policy(stmt(action="s3:*"))],
         reason="because no session policy allows"),
    Case("session policy and role both allow", SESSION, "allowed",
         [ALLOW_ALL], session=[policy(stmt(action="ec2:*"))]),
    # --- resource-based policies in one account -----------------------------------------
    Case("resource policy alone allows the user it names", SINGLE, "allowed", [],
         action="s3:GetObject", resource="arn:aws:s3:::b/k",
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::b/*",
                                    Principal={"AWS": ALICE}))], rule="IAM-09"),
    Case("resource policy naming the account delegates to identity policies", SINGLE,
         "implicitDeny", [], action="s3:GetObject", resource="arn:aws:s3:::b/k",
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::b/*",
                                    Principal={"AWS": f"arn:aws:iam::{ACCT}:root"}))]),
    Case("identity policy alone is enough in the same account", SINGLE, "allowed",
         [policy(stmt(action="s3:*"))], action="s3:GetObject", resource="arn:aws:s3:::b/k",
         resource_policies=[rp(stmt(action="s3:PutObject", resource="arn:aws:s3:::b/*",
                                    Principal={"AWS": ALICE}))]),
    Case("explicit deny in a resource policy beats an identity allow", EVAL, "explicitDeny",
         [ALLOW_ALL], action="s3:GetObject", resource="arn:aws:s3:::b/k",
         resource_policies=[rp(stmt("Deny", "s3:*", "arn:aws:s3:::b/*", Principal="*"))],
         reason="with an explicit deny in a resource-based policy", rule="IAM-02"),
    Case("NotPrincipal deny spares the named principal", PRINCIPAL, "allowed",
         [ALLOW_ALL], action="s3:GetObject", resource="arn:aws:s3:::b/k",
         resource_policies=[rp(stmt("Deny", "s3:*", "arn:aws:s3:::b/*",
                                    NotPrincipal={"AWS": ALICE}))]),
    Case("a grant to the role is limited by the session's boundary",
         SINGLE + " (IAM role)", "implicitDeny", [],
         principal=f"arn:aws:sts::{ACCT}:assumed-role/app/s1",
         role_arn=f"arn:aws:iam::{ACCT}:role/app", action="s3:GetObject",
         resource="arn:aws:s3:::b/k", boundary=[policy(stmt(action="ec2:*"))],
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::b/*",
                                    Principal={"AWS": f"arn:aws:iam::{ACCT}:role/app"}))]),
    Case("a grant to the role session itself is not", SINGLE + " (IAM role)", "allowed", [],
         principal=f"arn:aws:sts::{ACCT}:assumed-role/app/s1",
         role_arn=f"arn:aws:iam::{ACCT}:role/app", action="s3:GetObject",
         resource="arn:aws:s3:::b/k", boundary=[policy(stmt(action="ec2:*"))],
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::b/*",
                                    Principal={"AWS": SESSION_ARN}))]),
    # --- across accounts ----------------------------------------------------------------
    Case("cross-account needs the resource policy", CROSS, "implicitDeny", [ALLOW_ALL],
         action="s3:GetObject", resource="arn:aws:s3:::theirs/k", resource_account=OTHER,
         reason="because no resource-based policy allows the s3:GetObject action"),
    Case("cross-account needs the identity policy too", CROSS, "implicitDeny", [],
         action="s3:GetObject", resource="arn:aws:s3:::theirs/k", resource_account=OTHER,
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::theirs/*",
                                    Principal={"AWS": ACCT}))],
         reason="because no identity-based policy allows"),
    Case("cross-account with both", CROSS, "allowed", [policy(stmt(action="s3:GetObject"))],
         action="s3:GetObject", resource="arn:aws:s3:::theirs/k", resource_account=OTHER,
         resource_policies=[rp(stmt(action="s3:GetObject", resource="arn:aws:s3:::theirs/*",
                                    Principal={"AWS": f"arn:aws:iam::{ACCT}:root"}))]),
    # --- role trust policies (resource-based policies that must allow explicitly) -------
    Case("trust naming the account, identity allows sts:AssumeRole",
         EVAL + " (Resource-based policies: role trust policies)", "allowed",
         [policy(stmt(action="sts:AssumeRole"))], action="sts:AssumeRole",
         resource=f"arn:aws:iam::{ACCT}:role/admin", trust=True,
         resource_policies=[policy(stmt(action="sts:AssumeRole", resource=None,
                                        Principal={"AWS": ACCT}), kind="trust")], rule="IAM-06"),
    Case("trust naming the account, no identity permission",
         EVAL + " (Resource-based policies: role trust policies)", "implicitDeny", [],
         action="sts:AssumeRole", resource=f"arn:aws:iam::{ACCT}:role/admin", trust=True,
         resource_policies=[policy(stmt(action="sts:AssumeRole", resource=None,
                                        Principal={"AWS": ACCT}), kind="trust")]),
    Case("trust naming the user needs no identity permission in the same account",
         EVAL + " (Resource-based policies: role trust policies)", "allowed", [],
         action="sts:AssumeRole", resource=f"arn:aws:iam::{ACCT}:role/admin", trust=True,
         resource_policies=[policy(stmt(action="sts:AssumeRole", resource=None,
                                        Principal={"AWS": ALICE}), kind="trust")]),
    Case("identity permission without trust", EVAL + " (role trust policies)",
         "implicitDeny", [ALLOW_ALL], action="sts:AssumeRole",
         resource=f"arn:aws:iam::{ACCT}:role/admin", trust=True,
         resource_policies=[policy(stmt(action="sts:AssumeRole", resource=None,
                                        Principal={"Service": "ec2.amazonaws.com"}),
                                   kind="trust")],
         reason="because no resource-based policy allows the sts:AssumeRole action"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_evaluation(case: Case) -> None:
    request = Request(
        principal_arn=case.principal,
        action=case.action,
        resource=case.resource,
        context=case.context,
        principal_account=ACCT,
        resource_account=case.resource_account,
        role_arn=case.role_arn,
    )
    result = evaluate(
        request,
        case.identity,
        resource=case.resource_policies,
        boundary=case.boundary,
        session=case.session,
        resource_policy_required=case.trust,
    )
    assert result.decision == case.expect, f"{case.source}: {result.summary}"
    assert case.reason in result.reason
    if case.expect == "implicitDeny":
        assert result.deciding is None
        assert result.summary == "Denied: no statement allowed it (implicit deny)"
    else:
        assert result.deciding is not None


def test_the_deciding_statement_is_named() -> None:
    admin = policy(stmt(Sid="AllowAll"), name="AdministratorAccess")
    deny = policy(stmt(), stmt("Deny", "ec2:*", Sid="NoEc2"), name="deny-ec2")
    request = Request(ALICE, "ec2:RunInstances", principal_account=ACCT)
    allowed = evaluate(request, [admin])
    assert (
        allowed.summary == "Allowed: Allow in identity-based policy AdministratorAccess, AllowAll"
    )
    denied = evaluate(request, [admin, deny])
    assert denied.summary == "Denied: Deny in identity-based policy deny-ec2, NoEc2"
    unnamed = evaluate(Request(ALICE, "s3:GetObject", principal_account=ACCT), [deny])
    assert unnamed.summary == "Allowed: Allow in identity-based policy deny-ec2, statement 1"


def test_a_policy_value_of_many_stars_is_no_regular_expression() -> None:
    """Sibling of issue 12's filter blow-up: a Resource or condition value of thousands
    of `*` made a backtracking regular expression; it is matched by the linear one."""
    from services.iam import conditions, evaluator

    stars = "a*" * 3000 + "b"
    assert not conditions.glob_match(stars, "a" * 6000)
    assert conditions.glob_match(stars, "a" * 6000 + "b")
    assert conditions.glob_match("S3:Get*", "s3:getobject", ignore_case=True)
    assert not evaluator.resource_matches(f"arn:aws:s3:::{stars}", "arn:aws:s3:::" + "a" * 6000)
