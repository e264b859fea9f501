"""A managed policy's details page: its permissions as a visual summary (a table per
service: access level, resources, request conditions) beside the JSON document. The
document is read through GetPolicy/GetPolicyVersion, as the signed-in user."""

from __future__ import annotations

import json
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse

from services.core.views.access import denied, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.core.views.resources import action_links, detail_columns
from services.core.views.tables import resource_url
from services.iam import aws_managed
from services.iam.models import ManagedPolicy
from services.iam.policy_doc import PolicyError, parse_policy
from services.iam.resources import POLICIES
from services.iam.visual_summary import LEVELS, summarize

TABS = (("permissions", "Permissions"), ("details", "Details"))


def _policy_arn(request: HttpRequest, region: str, resource_id: str):
    policy = (
        ManagedPolicy.objects.visible_to(console_ctx(request, region))
        .filter(resource_id=resource_id)
        .first()
    )
    if policy is not None:
        return policy, policy.arn
    for managed in aws_managed.BY_ARN.values():
        if managed.policy_id == resource_id:
            return None, managed.arn
    return None, None


@console_view
def policy_detail(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    policy, arn = _policy_arn(request, region, resource_id)
    if arn is None:
        return render_not_found(
            request,
            "Policy not found",
            f"The policy {resource_id} doesn't exist. It may have been deleted, or it is in "
            "another account.",
        )
    refused = denied(request, region, "iam", "GetPolicy", {"PolicyArn": arn})
    if refused:
        crumb = Crumb(POLICIES.label_plural, resource_url("resource-list", region, POLICIES))
        return render_denied(
            request, refused.without_resource(), title=resource_id, crumbs=(crumb,)
        )
    tab = request.GET.get("tab", "permissions")
    if tab not in dict(TABS):
        tab = "permissions"
    context: dict = {
        "rt": POLICIES,
        "obj": policy,
        "arn": arn,
        "name": arn.rsplit("/", 1)[-1],
        "tab": tab,
        "tabs": TABS,
        "levels": LEVELS,
        "breadcrumbs": breadcrumbs(
            request,
            (POLICIES.label_plural, resource_url("resource-list", region, POLICIES)),
            arn.rsplit("/", 1)[-1],
        ),
    }
    if policy is not None:
        context["columns"] = detail_columns(policy, POLICIES.detail_fields)
        context["actions"] = action_links(region, POLICIES, policy)
    got = call(request, region, "iam", "GetPolicy", {"PolicyArn": arn})
    if got is not None:
        context["policy_info"] = got["Policy"]
        version = call(
            request,
            region,
            "iam",
            "GetPolicyVersion",
            {"PolicyArn": arn, "VersionId": got["Policy"]["DefaultVersionId"]},
        )
        if version is not None:
            text = unquote(version["PolicyVersion"]["Document"])
            try:
                context["document"] = json.dumps(json.loads(text), indent=4)
                context["summary"] = summarize(parse_policy(text, "identity"))
            except (ValueError, PolicyError):
                context["document"] = text
    return render_console(request, "iam/policy_detail.html", context)
