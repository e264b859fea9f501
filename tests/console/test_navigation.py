"""The left navigation and the registered types' pages: each group reads in the order
the declarations give (`nav_order`), and every registered type's list, create and
details URLs resolve to the view its declaration names (`ResourceType.pages`) or the
generic one, never to a page another URLconf put first."""

from __future__ import annotations

import inspect
import re
import uuid

from django.urls import resolve, reverse

from services.core import registry
from services.core.views import resources
from tests.pages import html

R = "/us-east-1"


def nav_sections(page: str) -> dict[str, list[str]]:
    """The rendered left navigation: each group's title and its links' words, in order."""
    nav = re.search(r'<nav class="sidenav".*?</nav>', page, re.S)
    assert nav, "no left navigation"
    sections: dict[str, list[str]] = {}
    title = ""
    for match in re.finditer(
        r'<h3 class="sidenav-section">(.*?)</h3>|<li><a href="[^"]*"[^>]*>(.*?)</a>', nav.group()
    ):
        if match.group(1) is not None:
            title = match.group(1).replace("&amp;", "&")
            sections[title] = []
        else:
            sections.setdefault(title, []).append(match.group(2))
    return sections


def test_ec2_network_and_security_reads_as_the_aws_console(console):
    page = html(console.get(f"{R}/ec2/placement-groups/"))
    assert nav_sections(page)["Network & Security"] == [
        "Security Groups",
        "Elastic IPs",
        "Placement groups",
        "Key pairs",
        "Network interfaces",
    ]


def test_the_other_ec2_groups_read_as_the_aws_console_too(console):
    sections = nav_sections(html(console.get(f"{R}/ec2/volumes/")))
    assert list(sections) == [
        "",
        "Instances",
        "Images",
        "Elastic Block Store",
        "Network & Security",
    ]
    assert sections["Instances"] == ["Instances", "Instance Types"]
    assert sections["Images"] == ["AMIs", "AMI Catalog"]
    # No nav_order: declaration order.
    assert sections["Elastic Block Store"] == ["Volumes", "Snapshots"]


def test_vpc_groups_keep_their_declaration_order(console):
    sections = nav_sections(html(console.get(f"{R}/vpc/vpcs/")))
    assert sections[""] == ["VPC dashboard"]
    assert sections["Virtual private cloud"][:2] == ["VPCs", "Subnets"]


def _sample_id(rt: registry.ResourceType) -> str:
    """An id of the type's own form: a UUID for CloudTrail's events, `pg-...` for ids
    with a prefix, a name otherwise (bucket names, IAM names)."""
    if "[0-9a-f]{8}-" in getattr(rt.model, "id_pattern", ""):
        return str(uuid.uuid4())
    prefix = getattr(rt.model, "id_prefix", "")
    return f"{prefix}-0123456789abcdef0" if prefix else "example-name"


def test_every_registered_types_pages_resolve_to_the_declared_view():
    """No generic page is shadowed by a service's own URLconf: the list, create and
    details URLs of every type resolve to `console:` routes whose view is the declared
    one (`Pages(list=..., create=..., detail=...)`) or the generic page."""
    generic = {
        "list": resources.resource_list,
        "create": resources.resource_create,
        "detail": resources.resource_detail,
    }
    for rt in registry.resource_types():
        kwargs = {"region": "us-east-1", "service": rt.service, "slug": rt.slug}
        detail = {"resource_id": _sample_id(rt)}
        for page, extra in (("list", {}), ("create", {}), ("detail", detail)):
            url = reverse(f"console:resource-{page}", kwargs={**kwargs, **extra})
            match = resolve(url)
            assert match.view_name == f"console:resource-{page}", (rt.key, page, match.view_name)
            declared = rt.pages.view(page) or generic[page]
            assert inspect.unwrap(match.func) is inspect.unwrap(declared), (rt.key, page)
            assert match.kwargs["service"] == rt.service and match.kwargs["slug"] == rt.slug
        for action in rt.actions:
            url = reverse(
                "console:resource-action", kwargs={**kwargs, "operation": action.operation}
            )
            match = resolve(url)
            assert match.namespace == "console", (rt.key, action.operation, match.view_name)
            declared = rt.pages.view("action", action.operation) or resources.resource_action
            assert inspect.unwrap(match.func) is inspect.unwrap(declared), (rt.key, action)


def test_cloudtrail_and_s3_declare_their_own_list_pages():
    events = registry.resource_type("cloudtrail", "events")
    buckets = registry.resource_type("s3", "buckets")
    assert events.pages.list == "services.cloudtrail.views.event_history"
    assert buckets.pages.list == "services.s3.views.buckets"
