"""The layering of the tree, read from the source (no Django, no database):

- core (services/core) and the project (console/) import no service app: what they
  need from one they ask through a hook the service fills (services/core/hooks.py);
- EC2 reaches VPC only through VPC's interface (services/vpc/network.py), and VPC
  learns about instances through the hook EC2 fills, never EC2's modules or
  `apps.get_model("ec2", ...)`;
- STS uses IAM, IAM does not use STS (one STS app, services/sts);
- S3 uses IAM only through IAM's policy interface (services/iam/policy_language.py) and
  no other service; classrooms use no service app except the crossings listed in
  `CROSSINGS`, each with its reason.

Every import counts, at module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICE_APPS = ("iam", "sts", "ec2", "vpc", "s3", "cloudtrail", "classrooms", "sqs", "sns",
                "events")  # fmt: skip
VPC_INTERFACE = {"services.vpc.network"}
# What S3 may use of other services: IAM's policy language and evaluator (bucket
# policies are IAM policies). Who signs, and the caller's own policies, come through
# core (hooks.access_key_owner, authz.evaluate).
# Event notifications go out through SQS's and SNS's delivery interfaces.
S3_INTERFACES = {"services.iam.policy_language", "services.sqs.delivery", "services.sns.delivery"}

# Known crossings outside the interfaces, allowed by name with the reason. A new one
# fails the test until it is listed here (or goes through an interface).
CROSSINGS: dict[tuple[str, str], str] = {
    # Classroom quotas count what a student holds and size instances by type; the
    # limit guard (describe-speed's) reads these models directly for speed.
    ("services/classrooms/limits.py", "services.ec2.models.Volume"): "volume quota",
    ("services/classrooms/limits.py", "services.vpc.models.Address"): "Elastic IP quota",
    ("services/classrooms/limits.py", "services.ec2.models.Instance"): "instance quota",
    ("services/classrooms/limits.py", "services.ec2.instance_types"): "vCPU quota",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(source: str, module: str = "") -> list[tuple[int, str]]:
    """(line, dotted name) of everything `source` imports; `from a import b` gives
    "a.b" (b may be a module), relative imports are resolved against `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level]
                base = ".".join([*package, base] if base else package)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            # apps.get_model("ec2", "Instance") or ("ec2.Instance"): an import by name.
            label = node.args[0].value.split(".")[0]
            found.append((node.lineno, f"services.{label}.models"))
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _sources(*folders: str) -> list[Path]:
    files = []
    for folder in folders:
        files += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def violations(folders: tuple[str, ...], allowed, *, source_of=None) -> list[str]:
    """`file:line imports name` for every import in `folders` that `allowed` refuses
    and `CROSSINGS` does not list."""
    found = []
    for path in _sources(*folders):
        source = source_of(path) if source_of else path.read_text()
        relative = str(path.relative_to(ROOT))
        for line, name in imported(source, _module_name(path)):
            if not allowed(name) and (relative, name) not in CROSSINGS:
                found.append(f"{relative}:{line} imports {name}")
    return found


def _other_app(name: str, own: str) -> bool:
    return any(_within(name, f"services.{app}") for app in SERVICE_APPS if app != own)


def core_may_import(name: str) -> bool:
    return not any(_within(name, f"services.{app}") for app in SERVICE_APPS)


def ec2_may_import(name: str) -> bool:
    if not _within(name, "services.vpc"):
        return True
    return any(_within(name, allowed) for allowed in VPC_INTERFACE)


def vpc_may_import(name: str) -> bool:
    return not _within(name, "services.ec2")


def iam_may_import(name: str) -> bool:
    return not _within(name, "services.sts")


def s3_may_import(name: str) -> bool:
    return not _other_app(name, "s3") or any(_within(name, i) for i in S3_INTERFACES)


# SQS uses IAM only through its policy interface (queue policies are IAM policies);
# other services reach SQS only through services/sqs/delivery.py.
SQS_INTERFACES = {"services.iam.policy_language"}
SQS_DELIVERY = "services.sqs.delivery"


def sqs_may_import(name: str) -> bool:
    return not _other_app(name, "sqs") or any(_within(name, i) for i in SQS_INTERFACES)


def others_may_import_sqs(name: str) -> bool:
    return not _within(name, "services.sqs") or _within(name, SQS_DELIVERY)


# SNS uses IAM only through its policy interface (topic policies), SQS only through
# its delivery interface; other services publish only through services/sns/delivery.py.
SNS_INTERFACES = {"services.iam.policy_language", SQS_DELIVERY}
SNS_DELIVERY = "services.sns.delivery"


def sns_may_import(name: str) -> bool:
    return not _other_app(name, "sns") or any(_within(name, i) for i in SNS_INTERFACES)


def others_may_import_sns(name: str) -> bool:
    return not _within(name, "services.sns") or _within(name, SNS_DELIVERY)


# EventBridge delivers to targets only through SQS's and SNS's delivery interfaces;
# the services whose events it carries reach it through core's hooks.aws_event.
EVENTS_INTERFACES = {"services.sqs.delivery", "services.sns.delivery"}


def events_may_import(name: str) -> bool:
    return not _other_app(name, "events") or any(_within(name, i) for i in EVENTS_INTERFACES)


def classrooms_may_import(name: str) -> bool:
    return not _other_app(name, "classrooms")


RULES = {
    "core and console import no service app (use services/core/hooks.py)": (
        ("services/core", "console"),
        core_may_import,
    ),
    "EC2 uses VPC only through services/vpc/network.py": (("services/ec2",), ec2_may_import),
    "VPC never reaches into EC2 (EC2 fills network.instance_interface)": (
        ("services/vpc",),
        vpc_may_import,
    ),
    "IAM does not use STS (STS is services/sts and uses IAM)": (("services/iam",), iam_may_import),
    "S3 uses IAM only through services/iam/policy_language.py, no other service": (
        ("services/s3",),
        s3_may_import,
    ),
    "SQS uses IAM only through services/iam/policy_language.py, no other service": (
        ("services/sqs",),
        sqs_may_import,
    ),
    "other services use SQS only through services/sqs/delivery.py": (
        tuple(f"services/{app}" for app in SERVICE_APPS if app != "sqs"),
        others_may_import_sqs,
    ),
    "SNS uses IAM only through policy_language.py and SQS only through delivery.py": (
        ("services/sns",),
        sns_may_import,
    ),
    "other services use SNS only through services/sns/delivery.py": (
        tuple(f"services/{app}" for app in SERVICE_APPS if app != "sns"),
        others_may_import_sns,
    ),
    "EventBridge uses other services only through sqs/sns delivery.py": (
        ("services/events",),
        events_may_import,
    ),
    "classrooms use no service app but the listed crossings (CROSSINGS)": (
        ("services/classrooms",),
        classrooms_may_import,
    ),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_the_tree_keeps_its_layers(rule: str) -> None:
    folders, allowed = RULES[rule]
    assert violations(folders, allowed) == [], rule


@pytest.mark.parametrize(
    "line",
    [
        "from services.iam.credentials import principal_for_access_key",
        "import services.vpc.models",
        "from services import ec2",
        "from services.s3 import door",
        "apps.get_model('iam', 'User')",
    ],
)
def test_the_check_sees_core_reaching_a_service(line: str) -> None:
    body = f"def later():\n    {line}\n"  # inside a function counts too
    names = [name for _, name in imported(body, "services.core.x")]
    assert not all(core_may_import(name) for name in names), line


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("from services.vpc.models import Subnet", False),
        ("from services.vpc import lookups", False),
        ("from services.vpc.models.addresses import Address", False),
        ("from services.vpc import network", True),
        ("from services.vpc.network import Subnet", True),
        ("from services.core import hooks", True),
    ],
)
def test_the_check_sees_ec2_past_the_vpc_interface(line: str, ok: bool) -> None:
    names = [name for _, name in imported(line, "services.ec2.launch")]
    assert all(ec2_may_import(name) for name in names) is ok


def test_the_check_sees_vpc_asking_for_ec2_models_by_name() -> None:
    names = [name for _, name in imported("apps.get_model('ec2', 'Instance')")]
    assert not all(vpc_may_import(name) for name in names)


def test_relative_imports_are_resolved() -> None:
    names = [name for _, name in imported("from ..vpc.models import Vpc", "services.ec2.launch")]
    assert names == ["services.vpc.models.Vpc"]


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("from services.iam.credentials import principal_for_access_key", False),
        ("from services.iam.evaluator import evaluate", False),
        ("from services.ec2.models import Instance", False),
        ("from services.iam import policy_language", True),
        ("from services.iam.policy_language import parse_policy", True),
        ("from services.core import hooks", True),
        ("from services.s3.models import Bucket", True),
    ],
)
def test_the_check_sees_s3_past_iams_policy_interface(line: str, ok: bool) -> None:
    names = [name for _, name in imported(line, "services.s3.door")]
    assert all(s3_may_import(name) for name in names) is ok


def test_classrooms_crossings_are_listed_by_file_not_by_service() -> None:
    # The same import from another classrooms module is a violation.
    names = [name for _, name in imported("from services.ec2.models import Volume")]
    assert not all(classrooms_may_import(name) for name in names)
    assert all(reason for reason in CROSSINGS.values())


def test_every_listed_crossing_still_exists() -> None:
    """A crossing that went away (limits.py reading through an interface) leaves the
    list, so the list stays what the tree really does."""
    present = {
        (str(path.relative_to(ROOT)), name)
        for path in _sources("services")
        for _, name in imported(path.read_text(), _module_name(path))
    }
    assert set(CROSSINGS) - present == set()
