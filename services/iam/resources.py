"""How IAM's resource types appear in the console and the REST API: users, user
groups, roles and (customer managed) policies. IAM is global: one table per account."""

from __future__ import annotations

import json

from django import forms

from services.core import registry
from services.core.registry import (
    Action,
    ApiType,
    Column,
    Enricher,
    LabReader,
    Listing,
    NavLink,
    Pages,
    ResourceType,
    Service,
)
from services.iam import policy_doc
from services.iam.models import Group, InstanceProfile, ManagedPolicy, Role, User

registry.register_service(
    Service(
        "iam",
        "IAM",
        "Manage access to AWS resources",
        "Security, Identity, & Compliance",
        regional=False,
        home_url_name="iam:home",
        nav_links=(
            NavLink("Dashboard", "iam:home"),
            NavLink("Credential report", "iam:credential-report", "Access reports"),
            NavLink("Policy simulator", "iam:simulator", "Access reports"),
        ),
        nav_sections=("Access management", "Access reports"),
    )
)

ACCESS = "Access management"
ARN = Column("ARN", "arn", kind="code")
CREATED = Column("Creation time", "created_at", kind="datetime")
PATH = Column("Path", "path")

EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    },
    indent=4,
)
EMPTY_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Sid": "Statement1", "Effect": "Allow",
                                            "Action": [], "Resource": []}]},
    indent=4,
)  # fmt: skip


class PolicyDocumentField(forms.CharField):
    """The JSON policy editor: invalid documents are refused with the line at fault."""

    widget = forms.Textarea(attrs={"rows": 18, "class": "code", "spellcheck": "false"})

    def __init__(self, *, kind: policy_doc.PolicyKind = "identity", **kwargs) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        findings = policy_doc.validate(value, self.kind)
        if findings:
            raise forms.ValidationError(str(findings[0]["message"]))


class UserForm(forms.Form):
    """Create user: the name and path (console access and keys are set on the user)."""

    UserName = forms.CharField(label="User name", max_length=64)
    Path = forms.CharField(label="Path", initial="/", required=False)

    sections = [("User details", ["UserName", "Path"])]


class GroupForm(forms.Form):
    GroupName = forms.CharField(label="User group name", max_length=128)
    Path = forms.CharField(label="Path", initial="/", required=False)

    sections = [("Name the group", ["GroupName", "Path"])]


class RoleForm(forms.Form):
    RoleName = forms.CharField(label="Role name", max_length=64)
    Description = forms.CharField(label="Description", required=False, max_length=1000)
    AssumeRolePolicyDocument = PolicyDocumentField(
        label="Trust policy", initial=EC2_TRUST, kind="trust"
    )
    MaxSessionDuration = forms.IntegerField(
        label="Maximum session duration (seconds)", initial=3600, min_value=3600, max_value=43200
    )

    sections = [
        ("Role details", ["RoleName", "Description", "MaxSessionDuration"]),
        ("Select trusted entities", ["AssumeRolePolicyDocument"]),
    ]


class PolicyForm(forms.Form):
    PolicyName = forms.CharField(label="Policy name", max_length=128)
    Description = forms.CharField(label="Description", required=False, max_length=1000)
    PolicyDocument = PolicyDocumentField(label="Policy editor (JSON)", initial=EMPTY_POLICY)

    sections = [
        ("Specify permissions", ["PolicyDocument"]),
        ("Policy details", ["PolicyName", "Description"]),
    ]


def _params(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "")}


def _delete(label: str, operation: str, params, **kwargs) -> Action:
    return Action(
        f"Delete {label}",
        operation,
        params=params,
        confirm=f"Delete {label}? This can't be undone.",
        typed_confirmation="delete",
        destructive=True,
        **kwargs,
    )


# --- what lab checks see of IAM (services/classrooms/catalog.py) ---------------------------


def _attached(kind: str, key: str) -> Enricher:
    def enrich(reader: LabReader, items: list[dict]) -> None:
        for item in items:
            answer = reader.call("iam", f"ListAttached{kind}Policies", {key: item[key]})
            item["AttachedPolicies"] = answer.get("AttachedPolicies", [])

    return enrich


def _groups(reader: LabReader, groups: list[dict]) -> None:
    _attached("Group", "GroupName")(reader, groups)
    for group in groups:
        users = reader.call("iam", "GetGroup", {"GroupName": group["GroupName"]})
        group["Users"] = users.get("Users", [])


def _users(reader: LabReader, users: list[dict]) -> None:
    _attached("User", "UserName")(reader, users)
    for user in users:
        answer = reader.call("iam", "ListGroupsForUser", {"UserName": user["UserName"]})
        user["Groups"] = answer.get("Groups", [])


USERS = registry.register(
    ResourceType(
        service="iam",
        slug="users",
        model=User,
        label="User",
        label_plural="Users",
        nav_section=ACCESS,
        columns=(
            Column("User name", "name", link=True),
            PATH,
            Column("Groups", "groups_label"),
            Column("MFA", "mfa_label"),
            Column("Console access", "console_access"),
            Column("Access keys", "access_keys_label"),
            CREATED,
        ),
        detail_fields=(
            Column("User name", "name"),
            ARN,
            Column("User ID", "resource_id", kind="id"),
            PATH,
            Column("Console access", "console_access"),
            Column("Groups", "groups_label"),
            Column("Permissions boundary", "permissions_boundary"),
            CREATED,
        ),
        actions=(_delete("user", "DeleteUser", lambda rows: {"UserName": rows[0].name}),),
        create_operation="CreateUser",
        create_form=UserForm,
        create_params=_params,
        search_fields=("name", "path", "resource_id"),
        default_ordering="name",
        listing=Listing("ListUsers", "Users", "UserId"),
        pages=Pages(detail="services.iam.user_views.user_detail"),
        lab_enrich=_users,
        extra={"detail_operation": "GetUser", "detail_param": ("UserName", "name")},
    )
)

GROUPS = registry.register(
    ResourceType(
        service="iam",
        slug="groups",
        model=Group,
        label="User group",
        label_plural="User groups",
        nav_section=ACCESS,
        columns=(
            Column("Group name", "name", link=True),
            Column("Users", "user_count"),
            PATH,
            CREATED,
        ),
        detail_fields=(
            Column("User group name", "name"),
            ARN,
            Column("Group ID", "resource_id", kind="id"),
            PATH,
            CREATED,
        ),
        actions=(_delete("group", "DeleteGroup", lambda rows: {"GroupName": rows[0].name}),),
        create_operation="CreateGroup",
        create_form=GroupForm,
        create_params=_params,
        search_fields=("name", "path", "resource_id"),
        default_ordering="name",
        listing=Listing("ListGroups", "Groups", "GroupId"),
        lab_enrich=_groups,
        extra={
            # What a details page stands for (services/core/views/access.py).
            "detail_operation": "GetGroup",
            "detail_param": ("GroupName", "name"),
        },
    )
)

ROLES = registry.register(
    ResourceType(
        service="iam",
        slug="roles",
        model=Role,
        label="Role",
        label_plural="Roles",
        nav_section=ACCESS,
        columns=(
            Column("Role name", "name", link=True),
            Column("Trusted entities", "trusted_entities"),
            Column("Last activity", "last_activity"),
            CREATED,
        ),
        detail_fields=(
            Column("Role name", "name"),
            ARN,
            Column("Role ID", "resource_id", kind="id"),
            Column("Description", "description"),
            Column("Trusted entities", "trusted_entities"),
            Column("Maximum session duration", "max_session_duration"),
            Column("Last activity", "last_activity"),
            Column("Permissions boundary", "permissions_boundary"),
            CREATED,
        ),
        actions=(_delete("role", "DeleteRole", lambda rows: {"RoleName": rows[0].name}),),
        create_operation="CreateRole",
        create_form=RoleForm,
        create_params=_params,
        search_fields=("name", "path", "resource_id", "description"),
        default_ordering="name",
        listing=Listing("ListRoles", "Roles", "RoleId"),
        lab_enrich=_attached("Role", "RoleName"),
        extra={"detail_operation": "GetRole", "detail_param": ("RoleName", "name")},
    )
)

POLICIES = registry.register(
    ResourceType(
        service="iam",
        slug="policies",
        model=ManagedPolicy,
        label="Policy",
        label_plural="Policies",
        nav_section=ACCESS,
        columns=(
            Column("Policy name", "name", link=True),
            Column("Type", "policy_type"),
            Column("Attached entities", "attachment_count"),
            Column("Description", "description"),
            CREATED,
        ),
        detail_fields=(
            Column("Policy name", "name"),
            ARN,
            Column("Policy ID", "resource_id", kind="id"),
            Column("Type", "policy_type"),
            Column("Default version", "default_version_id"),
            Column("Description", "description"),
            CREATED,
        ),
        actions=(_delete("policy", "DeletePolicy", lambda rows: {"PolicyArn": rows[0].arn}),),
        create_operation="CreatePolicy",
        create_form=PolicyForm,
        create_params=_params,
        search_fields=("name", "path", "resource_id", "description"),
        default_ordering="name",
        listing=Listing("ListPolicies", "Policies", "PolicyId", params={"Scope": "Local"}),
        pages=Pages(detail="services.iam.policy_views.policy_detail"),
        extra={
            "detail_operation": "GetPolicy",
            "detail_param": ("PolicyArn", "arn"),
        },
    )
)

registry.register_api_type(
    ApiType(
        "iam",
        InstanceProfile,
        Listing("ListInstanceProfiles", "InstanceProfiles", "InstanceProfileId"),
        lab_check="iam.instance_profiles",
    )
)
