"""The registry of services and resource types: the one declaration of a type.

The console's services menu, its left navigation, URLs, tables, forms and page
overrides, the REST router and its OpenAPI schema, the lab checks' resource names
(`classrooms/catalog.py`), the id-prefix resolution of IAM resource ARNs
(`core/authz.py`) and of CreateTags (`ec2/tags.py`) are all read from here, so a new
resource type is declared once, in its own service folder. See docs/ADDING_A_SERVICE.md.

Two kinds of registration:

- `register(ResourceType(...))`: a type with console pages and REST routes;
- `register_api_type(ApiType(...))`: a lighter one for what the APIs know (ids, ARNs,
  tags, lab checks) but the console has no pages for: security group rules, IAM
  instance profiles. A ResourceType registered later for the same model replaces it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class NavLink:
    """A left-navigation link a service declares beside its resource types (Dashboard,
    Event history). `url_name` is reversed with the `region` kwarg; `section` puts it in
    a group of the navigation ("" for the top, above all groups); `nav_order` places it
    among the group's items (see `ResourceType.nav_order`)."""

    label: str
    url_name: str
    section: str = ""
    nav_order: int = 0


@dataclass(frozen=True)
class Service:
    """A simulated AWS service as the console's services menu lists it."""

    code: str  # URL segment and botocore name: ec2, vpc, s3, iam
    name: str  # EC2
    title: str  # Virtual servers in the cloud
    category: str  # Compute, Storage, Networking & Content Delivery, ...
    regional: bool = True
    home_url_name: str = ""  # the named URL of its dashboard, if it has one
    nav_links: tuple[NavLink, ...] = ()  # extra left-navigation links
    # The order of the left navigation's groups; groups not named here follow in the
    # order their resource types were registered.
    nav_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """A column of a resource table: `attr` is a model attribute or property path."""

    label: str
    attr: str
    kind: str = "text"  # text, id, state, datetime, tags, code
    link: bool = False  # the cell links to the details page


@dataclass(frozen=True)
class Action:
    """An action on selected rows that calls one operation (e.g. Delete -> DeleteVolume)."""

    label: str
    operation: str  # the AWS action name
    params: Callable[[list[Any]], dict]  # builds the operation's params from the rows
    confirm: str = ""  # text of the confirm modal; empty: no modal
    typed_confirmation: str = ""  # a word the user types, as AWS asks for deletes
    destructive: bool = False
    enabled: Callable[[Any], bool] = lambda obj: True
    menu: str = "Actions"  # which button menu it sits in (Actions, Instance state)
    # True: `params` takes all selected rows in one call (TerminateInstances takes many
    # ids); False: the console calls the operation once per selected row.
    batch: bool = False


@dataclass(frozen=True)
class Listing:
    """How the items of a type are read through the API: its Describe/List operation,
    where the items sit in the answer, and which member of an item holds its id.

    `Listing("DescribeInstances", "Reservations.Instances", "InstanceId")`,
    `Listing("ListBuckets", "Buckets", "Name")`. `params` are what a reader of "the
    account's own" passes (`{"OwnerIds": ["self"]}` for snapshots); `service` names
    the operation's service when it is not the type's (VPC types run EC2's)."""

    operation: str
    path: str
    id_member: str = ""
    params: Mapping[str, Any] | None = None
    service: str = ""


class LabReader(Protocol):
    """What a lab-check enricher may use (`services.classrooms.catalog.Reader`)."""

    def call(self, service: str, action: str, params: dict | None = None) -> dict: ...

    def items(self, name: str) -> list[dict]: ...


# (reader, the items of the listing) -> None: adds what a lesson needs and the API
# gives only through a second call (a subnet's effective route table).
Enricher = Callable[[LabReader, list[dict]], None]


@dataclass(frozen=True)
class Pages:
    """A type's own console pages, replacing generic ones: dotted paths of views (so a
    registration does not import its views), on the generic pages' URLs and names
    (`console:resource-list`, `-create`, `-detail`, `-action`). A view is given those of
    the URL kwargs it takes (`region`, `service`, `slug`, and `resource_id` or
    `operation`). A service's own urls.py must not route these URLs itself: it is tried
    first and would shadow them (`tests/console/test_navigation.py` walks them).

    `Pages(detail="services.ec2.views.instances.detail",
           actions={"CreateTags": "services.ec2.views.instances.tags_modal"})`,
    `Pages(list="services.cloudtrail.views.event_history", ...)`"""

    list: str = ""
    detail: str = ""
    create: str = ""
    actions: Mapping[str, str] = field(default_factory=dict)

    def view(self, page: str, operation: str = "") -> Callable | None:
        dotted = self.actions.get(operation, "") if page == "action" else getattr(self, page)
        return _import(dotted) if dotted else None


@functools.cache
def _import(dotted: str) -> Callable:
    from django.utils.module_loading import import_string

    return import_string(dotted)


@dataclass(frozen=True)
class LabCheck:
    """A resource name a lab check reads (`resource = "ec2.instances"`)."""

    name: str
    service: str  # the service the listing operation belongs to
    listing: Listing
    enrich: Enricher | None = None


@dataclass(frozen=True)
class ResourceType:
    """A resource type of a service, with all the doors need to show and change it."""

    service: str  # ec2
    slug: str  # volumes (URL segment)
    model: type
    label: str  # Volume
    label_plural: str  # Volumes
    nav_section: str  # the left-navigation group: "Elastic Block Store"
    columns: tuple[Column, ...]
    detail_fields: tuple[Column, ...] = ()
    actions: tuple[Action, ...] = ()
    create_operation: str = ""  # CreateVolume
    create_form: type | None = None  # a Django form whose cleaned_data -> params
    create_params: Callable[[dict], dict] | None = None
    serializer: type | None = None  # DRF serializer for the REST door
    search_fields: tuple[str, ...] = ("resource_id",)
    default_ordering: str = "-created_at"
    # How the type is listed; None: found by name (Describe/List + the plural label)
    # and the list member of its answer.
    listing: Listing | None = None
    # The lab-check name; "" for `<listing service>.<slug with underscores>`
    # (ec2.key_pairs), None for no lab check.
    lab_check: str | None = ""
    lab_enrich: Enricher | None = None
    # The `ResourceType` of TagSpecifications that tags it ("volume", "placement-group").
    tag_type: str = ""
    pages: Pages = field(default_factory=Pages)
    # Its place in its left-navigation group: items sort by it (links and types alike,
    # whichever service declared them), ties in declaration order, links first. EC2's
    # "Network & Security" reads as AWS's by numbers spaced by ten (Security Groups 10,
    # Elastic IPs 20, Placement groups 30, Key pairs 40, Network interfaces 50).
    nav_order: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.service}.{self.slug}"

    @property
    def api_service(self) -> str:
        """The service whose operations act on the type (ec2 for VPC's types)."""
        if self.listing is not None and self.listing.service:
            return self.listing.service
        return self.service

    @property
    def create_label(self) -> str:
        """The create button as AWS words it: "Create volume", "Create VPC", "Create
        NAT gateway"; `extra["create_label"]` for the odd ones ("Launch instances")."""
        if "create_label" in self.extra:
            return self.extra["create_label"]
        first, _, rest = self.label.partition(" ")
        first = first if first.isupper() else first.lower()
        return " ".join(["Create", first, rest]).strip()


@dataclass(frozen=True)
class ApiType:
    """A type the APIs know but the console has no pages for: its model gives ids,
    ARNs and tags (CreateTags, IAM resource ARNs); a listing makes it a lab-check name."""

    service: str
    model: type | None = None
    listing: Listing | None = None
    lab_check: str | None = ""
    lab_enrich: Enricher | None = None
    tag_type: str = ""

    @property
    def api_service(self) -> str:
        return (self.listing.service if self.listing else "") or self.service


_services: dict[str, Service] = {}
_types: dict[str, ResourceType] = {}
_api_types: list[ApiType] = []


def register_service(service: Service) -> Service:
    _services[service.code] = service
    return service


def register(resource_type: ResourceType) -> ResourceType:
    if resource_type.key in _types:
        raise RuntimeError(f"resource type {resource_type.key} is registered twice")
    _types[resource_type.key] = resource_type
    _changed()
    return resource_type


def register_api_type(api_type: ApiType) -> ApiType:
    _api_types.append(api_type)
    _changed()
    return api_type


def _changed() -> None:
    models_by_id_prefix.cache_clear()
    lab_checks.cache_clear()


def services() -> list[Service]:
    return sorted(_services.values(), key=lambda s: (s.category, s.name))


def service(code: str) -> Service | None:
    return _services.get(code)


def resource_types(service_code: str | None = None) -> list[ResourceType]:
    return [t for t in _types.values() if service_code is None or t.service == service_code]


def resource_type(service_code: str, slug: str) -> ResourceType | None:
    return _types.get(f"{service_code}.{slug}")


def api_types() -> list[ApiType]:
    """The lighter registrations whose model has no ResourceType of its own."""
    typed = {t.model for t in _types.values()}
    return [t for t in _api_types if t.model is None or t.model not in typed]


def type_of(model: type) -> ResourceType | ApiType | None:
    """The declaration of `model`'s type."""
    found = next((t for t in _types.values() if t.model is model), None)
    return found or next((t for t in api_types() if t.model is model), None)


@functools.cache
def models_by_id_prefix() -> dict[str, type]:
    """Every declared model whose ARN names its id, by id prefix (vol, i, sg, pg...)."""
    found: dict[str, type] = {}
    for decl in [*_types.values(), *api_types()]:
        model = decl.model
        prefix = getattr(model, "id_prefix", "")
        if prefix and "{id}" in getattr(model, "arn_format", ""):
            found.setdefault(prefix, model)
    return found


def model_for_id(resource_id: str, arn_service: str = "") -> type | None:
    """The declared model of an AWS id (`vol-0123...`), optionally only if its ARNs are
    of `arn_service` (`arn:aws:ec2:...`)."""
    model = models_by_id_prefix().get(resource_id.rsplit("-", 1)[0])
    if model is None or (
        arn_service and not model.arn_format.startswith(f"arn:aws:{arn_service}:")
    ):
        return None
    return model


def listing_of(decl: ResourceType | ApiType) -> Listing | None:
    """The declared listing, else the one found from the operations: the type's
    Describe/List operation (`services.core.api.calls.describe_operation`) and the one
    list member of its answer."""
    if decl.listing is not None or not isinstance(decl, ResourceType):
        return decl.listing
    from services.core import shapes
    from services.core.api.calls import describe_operation

    op = describe_operation(decl)
    if op is None:
        return None
    model = shapes.operation_model(op.service, op.action)
    output = model.output_shape if model is not None else None
    lists = [n for n, m in (output.members.items() if output else ()) if m.type_name == "list"]
    if len(lists) != 1:
        return None
    return Listing(op.action, lists[0], service=op.service)


def _lab_name(decl: ResourceType | ApiType, listing: Listing) -> str:
    if decl.lab_check:
        return decl.lab_check
    if isinstance(decl, ResourceType):
        slug = decl.slug
    else:  # "InstanceProfiles" -> instance_profiles
        from botocore import xform_name

        slug = xform_name(listing.path.split(".")[-1])
    return f"{listing.service or decl.service}.{slug.replace('-', '_')}"


@functools.cache
def lab_checks() -> dict[str, LabCheck]:
    """Every resource name a lab check can read, from the declarations."""
    found: dict[str, LabCheck] = {}
    for decl in [*_types.values(), *api_types()]:
        if decl.lab_check is None:
            continue
        listing = listing_of(decl)
        if listing is None:
            continue
        name = _lab_name(decl, listing)
        service = listing.service or decl.api_service
        found.setdefault(name, LabCheck(name, service, listing, decl.lab_enrich))
    return found


def items_at(answer: Any, path: str) -> list:
    """The items `path` ("Reservations.Instances") names in an API answer, with lists
    flattened on the way."""
    current = [answer]
    for part in path.split(".") if path else ():
        found = []
        for value in _flat(current):
            if isinstance(value, Mapping) and value.get(part) is not None:
                found.append(value[part])
        current = found
    return _flat(current)


def _flat(items: list) -> list:
    out: list = []
    for item in items:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out
