"""The registry of services and resource types. The console's services menu, its left
navigation, URLs, tables and forms, and the REST router are all built from it, so a new
resource type is declared once, in its own service folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavLink:
    """A left-navigation link a service declares beside its resource types (Dashboard,
    Event history). `url_name` is reversed with the `region` kwarg; `section` puts it in
    a group of the navigation ("" for the top, above all groups)."""

    label: str
    url_name: str
    section: str = ""


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
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.service}.{self.slug}"

    @property
    def create_label(self) -> str:
        """The create button as AWS words it: "Create volume", "Create VPC", "Create
        NAT gateway"; `extra["create_label"]` for the odd ones ("Launch instances")."""
        if "create_label" in self.extra:
            return self.extra["create_label"]
        first, _, rest = self.label.partition(" ")
        first = first if first.isupper() else first.lower()
        return " ".join(["Create", first, rest]).strip()


_services: dict[str, Service] = {}
_types: dict[str, ResourceType] = {}


def register_service(service: Service) -> Service:
    _services[service.code] = service
    return service


def register(resource_type: ResourceType) -> ResourceType:
    if resource_type.key in _types:
        raise RuntimeError(f"resource type {resource_type.key} is registered twice")
    _types[resource_type.key] = resource_type
    return resource_type


def services() -> list[Service]:
    return sorted(_services.values(), key=lambda s: (s.category, s.name))


def service(code: str) -> Service | None:
    return _services.get(code)


def resource_types(service_code: str | None = None) -> list[ResourceType]:
    return [t for t in _types.values() if service_code is None or t.service == service_code]


def resource_type(service_code: str, slug: str) -> ResourceType | None:
    return _types.get(f"{service_code}.{slug}")
