"""Key pair pages: create (the private key downloads once, EC2-11), import, download."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from services.core.views.base import Crumb, breadcrumbs, call, console_view, render_console
from services.ec2.forms import CreateKeyPairForm, ImportKeyPairForm
from services.ec2.views.common import back_url, detail_url, list_url

# The private keys waiting for their one download, in the session: {token: {...}}.
SESSION_KEYS = "ec2_new_private_keys"


def _crumbs(request: HttpRequest, region: str, title: str) -> list:
    return breadcrumbs(request, Crumb("Key pairs", list_url(region, "key-pairs")), title)


@console_view
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, region: str) -> HttpResponse:
    form = CreateKeyPairForm(request.POST or None)
    next_url = back_url(request, "")
    if request.method == "POST" and form.is_valid():
        result = call(request, region, "ec2", "CreateKeyPair", dict(form.cleaned_data))
        if result is not None:
            token = secrets.token_urlsafe(16)
            pending = dict(request.session.get(SESSION_KEYS, {}))
            pending[token] = {
                "name": result["KeyName"],
                "format": form.cleaned_data["KeyFormat"],
                "material": result["KeyMaterial"],
                "region": region,
            }
            request.session[SESSION_KEYS] = pending
            messages.success(request, f"Successfully created key pair {result['KeyName']}.")
            target = reverse("ec2:key-pair-created", kwargs={"region": region, "token": token})
            query = "?" + urlencode({"next": next_url}) if next_url else ""
            return HttpResponseRedirect(target + query)
    context = {
        "form": form,
        "next": next_url,
        "import_url": reverse("ec2:key-pair-import", kwargs={"region": region}),
        "list_url": list_url(region, "key-pairs"),
        "breadcrumbs": _crumbs(request, region, "Create key pair"),
    }
    return render_console(request, "ec2/key_pair_create.html", context)


@console_view
def created(request: HttpRequest, region: str, token: str) -> HttpResponse:
    """After CreateKeyPair: the page that starts the one download of the private key."""
    pending = request.session.get(SESSION_KEYS, {}).get(token)
    context = {
        "pending": pending,
        "download_url": reverse("ec2:key-pair-download", kwargs={"region": region, "token": token}),
        "next": back_url(request, ""),
        "list_url": list_url(region, "key-pairs"),
        "breadcrumbs": _crumbs(request, region, "Key pair created"),
    }
    return render_console(request, "ec2/key_pair_created.html", context)


@console_view
def download(request: HttpRequest, region: str, token: str) -> HttpResponse:
    """The private key file, once: it leaves the session as it is sent."""
    pending = dict(request.session.get(SESSION_KEYS, {}))
    entry = pending.pop(token, None)
    if entry is None:
        raise Http404("This private key was already downloaded.")
    request.session[SESSION_KEYS] = pending
    extension = entry["format"]
    response = HttpResponse(entry["material"] + "\n", content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{entry["name"]}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@console_view
@require_http_methods(["GET", "POST"])
def import_key(request: HttpRequest, region: str) -> HttpResponse:
    form = ImportKeyPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = call(request, region, "ec2", "ImportKeyPair", dict(form.cleaned_data))
        if result is not None:
            messages.success(request, f"Successfully imported key pair {result['KeyName']}.")
            return HttpResponseRedirect(detail_url(region, "key-pairs", result["KeyPairId"]))
    context = {
        "form": form,
        "list_url": list_url(region, "key-pairs"),
        "breadcrumbs": _crumbs(request, region, "Import key pair"),
    }
    return render_console(request, "ec2/key_pair_import.html", context)
