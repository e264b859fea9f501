"""IAM's own console pages: the dashboard with its security recommendations, and the
policy simulator. Both read through operations, so an IAM user sees what their
policies let them see (and the simulator's calls are in the event history)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from services.core.accounts import sign_in_url
from services.core.views.access import denied, list_denied
from services.core.views.base import breadcrumbs, call, console_ctx, console_view, render_console
from services.iam.models import PasswordPolicy, User
from services.iam.resources import GROUPS, ROLES, USERS


def _list_url(region: str, slug: str) -> str:
    return reverse(
        "console:resource-list", kwargs={"region": region, "service": "iam", "slug": slug}
    )


def recommendations(summary: dict, users_without_mfa: list[str], has_policy: bool) -> list[dict]:
    """The dashboard's security recommendations, as the AWS console makes them."""
    found = [
        {
            "ok": bool(summary.get("AccountMFAEnabled")),
            "title": "Add MFA for root user",
            "ok_title": "Root user has MFA",
            "text": "Add MFA for the root user: a second factor protects the account's "
            "most powerful identity.",
        },
        {
            "ok": not summary.get("AccountAccessKeysPresent"),
            "title": "Root user has active access keys",
            "ok_title": "Root user has no active access keys",
            "text": "Use access keys of IAM users or roles instead of the root user's, and "
            "delete the root user's keys.",
        },
    ]
    if users_without_mfa:
        found.append(
            {
                "ok": False,
                "title": f"{len(users_without_mfa)} user(s) with console access have no MFA",
                "text": "Users without MFA: " + ", ".join(users_without_mfa[:10]),
            }
        )
    if not has_policy:
        found.append(
            {
                "ok": False,
                "title": "No password policy",
                "text": "Set a password policy so IAM users' console passwords follow your "
                "rules for length, character types, reuse and expiry.",
            }
        )
    return found


@console_view
def dashboard(request: HttpRequest, region: str) -> HttpResponse:
    ctx = console_ctx(request, region)
    refused = denied(request, region, "iam", "GetAccountSummary")
    summary = None if refused else call(request, region, "iam", "GetAccountSummary", ctx=ctx)
    context: dict = {
        "summary": summary,
        "denied": refused,
        "breadcrumbs": breadcrumbs(request, "Dashboard"),
        "sign_in_url": sign_in_url(ctx.account),
        "account": ctx.account,
    }
    if summary is not None:
        summary = summary["SummaryMap"]
        no_mfa = []
        if not list_denied(request, region, USERS):
            no_mfa = [
                u.name
                for u in User.objects.visible_to(ctx).filter(login_profile__isnull=False)
                if not u.mfa_devices.exists()
            ]
        has_policy = PasswordPolicy.objects.filter(account=ctx.account).exists()
        context["recommendations"] = recommendations(summary, no_mfa, has_policy)
        context["cards"] = [
            {"label": label, "count": summary[key], "url": _list_url(region, slug)}
            for label, key, slug in (
                ("User groups", "Groups", "groups"),
                ("Users", "Users", "users"),
                ("Roles", "Roles", "roles"),
                ("Policies", "Policies", "policies"),
            )
        ]
    return render_console(request, "iam/dashboard.html", context)


def _principals(request: HttpRequest, region: str) -> list[tuple[str, str]]:
    """The simulator's principals: the users, groups and roles the caller may list."""
    ctx = console_ctx(request, region)
    choices = []
    for rt, kind in ((USERS, "User"), (GROUPS, "Group"), (ROLES, "Role")):
        if list_denied(request, region, rt):
            continue
        choices += [
            (e.arn, f"{kind}: {e.name}") for e in rt.model.objects.visible_to(ctx).order_by("name")
        ]
    return choices


def _lines(text: str) -> list[str]:
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def _context_entries(text: str) -> list[dict]:
    entries = []
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            values = [v.strip() for v in value.split(",")]
            entries.append(
                {
                    "ContextKeyName": key.strip(),
                    "ContextKeyValues": values,
                    "ContextKeyType": "stringList" if len(values) > 1 else "string",
                }
            )
    return entries


def _explain(result: dict) -> str:
    """What decided, in the console's words."""
    statements = result.get("MatchedStatements") or []
    if result["EvalDecision"] == "implicitDeny" or not statements:
        return "Implicitly denied: no statement allowed it."
    names = ", ".join(
        f"{s['SourcePolicyId']} ({s['SourcePolicyType']}, line {s['StartPosition']['Line']})"
        for s in statements
    )
    if result["EvalDecision"] == "explicitDeny":
        return f"Explicitly denied by {names}."
    return f"Allowed by {names}."


@console_view
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest, region: str) -> HttpResponse:
    """Pick a principal, actions and resources; see allowed or denied and why."""
    ctx = console_ctx(request, region)
    data = request.POST if request.method == "POST" else {}
    form = {
        "principal": data.get("principal", ""),
        "actions": data.get("actions", ""),
        "resources": data.get("resources", ""),
        "context": data.get("context", ""),
    }
    results = None
    if request.method == "POST" and form["principal"] and _lines(form["actions"]):
        params = {
            "PolicySourceArn": form["principal"],
            "ActionNames": _lines(form["actions"]),
            "ResourceArns": _lines(form["resources"]) or ["*"],
            "ContextEntries": _context_entries(form["context"]),
            "MaxItems": 1000,
        }
        response = call(request, region, "iam", "SimulatePrincipalPolicy", params, ctx=ctx)
        if response is not None:
            results = [
                {**r, "explanation": _explain(r), "allowed": r["EvalDecision"] == "allowed"}
                for r in response["EvaluationResults"]
            ]
    context = {
        "form": form,
        "principals": _principals(request, region),
        "results": results,
        "breadcrumbs": breadcrumbs(request, "Policy simulator"),
    }
    return render_console(request, "iam/simulator.html", context)


@console_view
def credential_report(request: HttpRequest, region: str) -> HttpResponse:
    """Access reports > Credential report: `?download=1` generates the report if there
    is no recent one and downloads it as CSV, as AWS's button does."""
    if request.GET.get("download"):
        ctx = console_ctx(request, region)
        if call(request, region, "iam", "GenerateCredentialReport", ctx=ctx) is not None:
            report = call(request, region, "iam", "GetCredentialReport", ctx=ctx.in_region(region))
            if report is not None:
                stamp = report["GeneratedTime"].strftime("%Y-%m-%dT%H_%M_%S+00_00")
                response = HttpResponse(report["Content"], content_type="text/csv")
                response["Content-Disposition"] = (
                    f'attachment; filename="status_reports_{stamp}.csv"'
                )
                return response
    context = {"breadcrumbs": breadcrumbs(request, "Credential report")}
    return render_console(request, "iam/credential_report.html", context)
