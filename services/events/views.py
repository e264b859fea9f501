"""EventBridge's own console pages: Create rule (the event pattern editor with its "Test
pattern" sandbox, a schedule, one target, the CLI equivalent), a rule's details (event
pattern or schedule, targets, tags) and Delete rule (as AWS's console does, it removes
the targets first, then deletes the rule)."""

from __future__ import annotations

import json
import shlex

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from services.core import operations
from services.core.errors import AwsError
from services.core.views.access import detail_denied, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.core.views.resources import detail_context
from services.events import dispatch
from services.events.models import DEFAULT_BUS, Rule
from services.events.resources import RULES

CONFIRM_WORD = "delete"
TABS = (("pattern", "Event pattern"), ("targets", "Targets"), ("tags", "Tags"))
SCHEDULE_TABS = (("schedule", "Schedule"), ("targets", "Targets"), ("tags", "Tags"))

# The pattern editor's ready-made patterns: the events the simulated cloud emits.
SAMPLE_PATTERNS = {
    "ec2-state": (
        "EC2 Instance State-change Notification",
        {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
            "detail": {"state": ["stopped"]},
        },
    ),
    "cloudtrail": (
        "AWS API Call via CloudTrail",
        {
            "source": ["aws.ec2"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["RunInstances"]},
        },
    ),
    "custom": ("Custom events (PutEvents)", {"source": ["my.app"], "detail-type": ["order"]}),
}


def list_url(region: str, slug: str = "rules") -> str:
    return reverse(
        "console:resource-list", kwargs={"region": region, "service": "events", "slug": slug}
    )


def rule_url(region: str, rule: Rule) -> str:
    url = reverse(
        "console:resource-detail",
        kwargs={
            "region": region,
            "service": "events",
            "slug": "rules",
            "resource_id": rule.resource_id,
        },
    )
    return url if rule.bus.is_default else f"{url}?bus={rule.bus.resource_id}"


def sample_event(account_id: str, region: str) -> dict:
    """The sandbox's sample event: an instance that just stopped."""
    return dispatch.envelope(
        account_id,
        region,
        source="aws.ec2",
        detail_type="EC2 Instance State-change Notification",
        detail={"instance-id": "i-0123456789abcdef0", "state": "stopped"},
        resources=[f"arn:aws:ec2:{region}:{account_id}:instance/i-0123456789abcdef0"],
        time=timezone.now(),
    )


def cli_put_rule(params: dict) -> str:
    """The AWS CLI command PutRule with `params` is."""
    parts = ["aws", "events", "put-rule", "--name", params.get("Name") or "<rule-name>"]
    if params.get("EventBusName") and params["EventBusName"] != DEFAULT_BUS:
        parts += ["--event-bus-name", params["EventBusName"]]
    if params.get("EventPattern"):
        parts += ["--event-pattern", params["EventPattern"]]
    if params.get("ScheduleExpression"):
        parts += ["--schedule-expression", params["ScheduleExpression"]]
    if params.get("State") == "DISABLED":
        parts += ["--state", "DISABLED"]
    if params.get("Description"):
        parts += ["--description", params["Description"]]
    return shlex.join(parts)


def cli_put_targets(rule: str, bus: str, targets: list[dict]) -> str:
    parts = ["aws", "events", "put-targets", "--rule", rule or "<rule-name>"]
    if bus and bus != DEFAULT_BUS:
        parts += ["--event-bus-name", bus]
    parts += ["--targets", json.dumps(targets)]
    return shlex.join(parts)


class RuleForm(forms.Form):
    """Create rule: details, the pattern or schedule, one target and its input."""

    Name = forms.CharField(label="Name", max_length=64)
    Description = forms.CharField(label="Description", max_length=512, required=False)
    EventBusName = forms.ChoiceField(label="Event bus")
    Enabled = forms.BooleanField(
        label="Enable the rule on the selected event bus", required=False, initial=True
    )
    RuleType = forms.ChoiceField(
        label="Rule type",
        choices=[("pattern", "Rule with an event pattern"), ("schedule", "Schedule")],
        initial="pattern",
        widget=forms.RadioSelect,
    )
    EventPattern = forms.CharField(
        label="Event pattern", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    ScheduleExpression = forms.CharField(
        label="Schedule expression",
        required=False,
        max_length=256,
        help_text="rate(5 minutes) or cron(0 12 * * ? *), in UTC",
    )
    TargetType = forms.ChoiceField(
        label="Target",
        choices=[("", "No target for now"), ("sqs", "SQS queue"), ("sns", "SNS topic")],
        required=False,
    )
    TargetArn = forms.CharField(label="Target ARN", required=False, max_length=1600)
    TargetId = forms.CharField(label="Target ID", required=False, max_length=64, initial="Target0")
    MessageGroupId = forms.CharField(
        label="Message group ID (FIFO queues)", required=False, max_length=128
    )
    InputType = forms.ChoiceField(
        label="Configure target input",
        choices=[
            ("event", "Matched events"),
            ("input", "Constant (JSON text)"),
            ("path", "Part of the matched event"),
            ("transformer", "Input transformer"),
        ],
        initial="event",
        required=False,
    )
    Input = forms.CharField(label="JSON text", required=False, widget=forms.Textarea({"rows": 3}))
    InputPath = forms.CharField(label="JSONPath", required=False, max_length=256)
    InputPathsMap = forms.CharField(
        label="Input path",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text='{"instance": "$.detail.instance-id", "state": "$.detail.state"}',
    )
    InputTemplate = forms.CharField(
        label="Template",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text='"Instance <instance> is now <state>."',
    )

    def __init__(self, *args, buses: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["EventBusName"].choices = [(b, b) for b in buses]

    def rule_params(self) -> dict:
        data = self.cleaned_data
        params: dict = {"Name": data["Name"], "EventBusName": data["EventBusName"]}
        if data["RuleType"] == "schedule":
            params["ScheduleExpression"] = data["ScheduleExpression"].strip()
        else:
            params["EventPattern"] = data["EventPattern"].strip()
        params["State"] = "ENABLED" if data["Enabled"] else "DISABLED"
        if data["Description"]:
            params["Description"] = data["Description"]
        return params

    def target(self) -> dict | None:
        """The Target shape of the form's target, or None (input errors are the
        operation's: PutTargets says what is wrong with a JSON text or a path)."""
        data = self.cleaned_data
        if not data.get("TargetType") or not data.get("TargetArn"):
            return None
        target: dict = {"Id": data.get("TargetId") or "Target0", "Arn": data["TargetArn"].strip()}
        kind = data.get("InputType") or "event"
        if kind == "input":
            target["Input"] = data["Input"]
        elif kind == "path":
            target["InputPath"] = data["InputPath"]
        elif kind == "transformer":
            try:
                paths = json.loads(data["InputPathsMap"] or "{}")
            except ValueError:
                paths = None
            if not isinstance(paths, dict):
                self.add_error("InputPathsMap", "Enter a JSON object of names and JSONPaths.")
                return None
            target["InputTransformer"] = {
                "InputPathsMap": paths,
                "InputTemplate": data["InputTemplate"],
            }
        if data.get("MessageGroupId"):
            target["SqsParameters"] = {"MessageGroupId": data["MessageGroupId"]}
        return target


def _bus_names(request: HttpRequest, region: str) -> list[str]:
    result = call(request, region, "events", "ListEventBuses", {}) or {}
    return [b["Name"] for b in result.get("EventBuses", [])] or [DEFAULT_BUS]


@console_view
@require_http_methods(["GET", "POST"])
def create_rule(request: HttpRequest, region: str) -> HttpResponse:
    buses = _bus_names(request, region)
    initial = {
        "EventPattern": json.dumps(SAMPLE_PATTERNS["ec2-state"][1], indent=2),
        "EventBusName": request.GET.get("bus") or DEFAULT_BUS,
    }
    form = RuleForm(request.POST or None, buses=buses, initial=initial)
    if request.method == "POST" and form.is_valid():
        params = form.rule_params()
        target = form.target()
        if not form.errors and call(request, region, "events", "PutRule", params) is not None:
            rule = Rule.objects.select_related("bus").get(
                account=request.account,
                region=region,
                bus__resource_id=params["EventBusName"],
                resource_id=params["Name"],
            )
            if target is not None:
                put = {"Rule": rule.resource_id, "EventBusName": rule.bus.resource_id}
                result = call(request, region, "events", "PutTargets", put | {"Targets": [target]})
                for failed in (result or {}).get("FailedEntries", []):
                    messages.error(request, f"{failed['ErrorCode']}: {failed['ErrorMessage']}")
            messages.success(request, f"Rule {rule.resource_id} was created successfully.")
            return HttpResponseRedirect(rule_url(region, rule))
    ctx = console_ctx(request, region)
    context = {
        "form": form,
        "rt": RULES,
        "samples": {key: json.dumps(p, indent=2) for key, (_, p) in SAMPLE_PATTERNS.items()},
        "sample_labels": [(key, label) for key, (label, _) in SAMPLE_PATTERNS.items()],
        "sample_event": json.dumps(sample_event(ctx.account.id, region), indent=2),
        "test_url": reverse("events:test-pattern", kwargs={"region": region}),
        "list_url": list_url(region),
        "cli": cli_put_rule(form.rule_params() if form.is_bound and form.is_valid() else {}),
        "breadcrumbs": breadcrumbs(request, Crumb("Rules", list_url(region)), "Create rule"),
    }
    return render_console(request, "events/create_rule.html", context)


@console_view
@require_POST
def test_pattern(request: HttpRequest, region: str) -> HttpResponse:
    """The sandbox's "Test pattern": TestEventPattern with the editor's pattern and the
    sample event, its answer (or its error) shown under the button."""
    params = {
        "EventPattern": request.POST.get("EventPattern", ""),
        "Event": request.POST.get("SampleEvent", ""),
    }
    try:
        result = operations.call(console_ctx(request, region), "events", "TestEventPattern", params)
        context = {"matched": result["Result"], "error": None}
    except AwsError as error:
        context = {"matched": None, "error": error}
    return render(request, "events/test_result.html", context)


def _rule(request: HttpRequest, region: str, name: str) -> Rule | None:
    """The rule `name` on the bus `?bus=` names; without one, on the default bus, else
    on whichever bus has it (the rules list links to a rule by name alone)."""
    rules = (
        Rule.objects.visible_to(console_ctx(request, region))
        .filter(resource_id=name)
        .select_related("bus")
    )
    if request.GET.get("bus"):
        return rules.filter(bus__resource_id=request.GET["bus"]).first()
    return rules.filter(bus__resource_id=DEFAULT_BUS).first() or rules.order_by("pk").first()


@console_view
def rule_detail(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    rt = RULES
    refused = detail_denied(request, region, rt, resource_id)
    if refused:
        return render_denied(
            request, refused, title=resource_id, crumbs=(Crumb("Rules", list_url(region)),)
        )
    rule = _rule(request, region, resource_id)
    if rule is None:
        return render_not_found(
            request,
            "Rule not found",
            f"The rule {resource_id} doesn't exist on event bus "
            f"{request.GET.get('bus') or DEFAULT_BUS} in {region}.",
        )
    tabs = SCHEDULE_TABS if rule.schedule_expression and not rule.event_pattern else TABS
    context = detail_context(request, region, rt, rule, tabs)
    if request.GET.get("tab") is None:
        context["tab"] = tabs[0][0]
    targets = [
        {"target": t, "type": {"sqs": "SQS queue", "sns": "SNS topic"}.get(t.service, t.service)}
        for t in rule.targets.order_by("target_id")
    ]
    bus_flag = _bus_flag(rule)
    context.update(
        {
            "rule": rule,
            "pattern": json.dumps(rule.pattern, indent=2) if rule.event_pattern else "",
            "targets": targets,
            "bus_url": reverse(
                "console:resource-detail",
                kwargs={
                    "region": region,
                    "service": "events",
                    "slug": "event-buses",
                    "resource_id": rule.bus.resource_id,
                },
            ),
            "cli_describe": f"aws events describe-rule --name {shlex.quote(rule.resource_id)}"
            + bus_flag,
            "cli_targets": f"aws events list-targets-by-rule --rule "
            f"{shlex.quote(rule.resource_id)}" + bus_flag,
        }
    )
    return render_console(request, "events/rule_detail.html", context)


def _bus_flag(rule: Rule) -> str:
    return "" if rule.bus.is_default else f" --event-bus-name {shlex.quote(rule.bus_name)}"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


@console_view
@require_http_methods(["GET", "POST"])
def delete_rule(request: HttpRequest, region: str) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    names = [i for i in data.getlist("ids") if i]
    bus = data.get("bus", "")
    chosen = Rule.objects.visible_to(console_ctx(request, region)).filter(resource_id__in=names)
    if bus:  # from a rule's details page; the rules list sends names alone
        chosen = chosen.filter(bus__resource_id=bus)
    rules = list(chosen.select_related("bus").order_by("resource_id"))
    if not rules:
        messages.error(request, "Select at least one rule first.")
        return _redirect(request, list_url(region))
    typed = data.get("confirmation", "").strip()
    if request.method == "GET" or typed != CONFIRM_WORD:
        context = {
            "rules": rules,
            "bus": bus,
            "action_url": request.path,
            "back": list_url(region),
            "typed_error": request.method == "POST",
            "cli": [
                f"aws events remove-targets --rule {shlex.quote(r.resource_id)}{_bus_flag(r)} "
                "--ids "
                + " ".join(shlex.quote(t.target_id) for t in r.targets.order_by("target_id"))
                for r in rules
                if r.targets.exists()
            ]
            + [
                f"aws events delete-rule --name {shlex.quote(r.resource_id)}{_bus_flag(r)}"
                for r in rules
            ],
            "breadcrumbs": breadcrumbs(request, Crumb("Rules", list_url(region)), "Delete rule"),
        }
        if request.htmx:
            return render(request, "events/delete_rule.html", context)
        return render_console(request, "events/delete_rule_page.html", context)
    for rule in rules:
        where = {"EventBusName": rule.bus.resource_id}
        ids = list(rule.targets.order_by("target_id").values_list("target_id", flat=True))
        removal = where | {"Rule": rule.resource_id, "Ids": ids}
        if ids and call(request, region, "events", "RemoveTargets", removal) is None:
            continue
        deletion = where | {"Name": rule.resource_id}
        if call(request, region, "events", "DeleteRule", deletion) is not None:
            messages.success(request, f"Rule {rule.resource_id} was deleted successfully.")
    return _redirect(request, list_url(region))
