"""`{% lab_drawer %}`: the student's lab beside any console page (nothing for an account
outside a classroom or without an assigned lab); `{% lab_styles %}`: its stylesheet, for
the page's head."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from services.classrooms.models import Student

register = template.Library()


def _student(context: template.Context) -> Student | None:
    """The signed-in account's student with a lab, looked up once per request (the head
    asks for the stylesheet, the end of the body for the drawer)."""
    request = context.get("request")
    account = getattr(request, "account", None)
    if account is None:
        return None
    cached = getattr(request, "_lab_student", False)
    if cached is not False:
        return cached
    student = (
        Student.objects.select_related("classroom")
        .filter(account=account)
        .exclude(classroom__lab_slug="")
        .first()
    )
    request._lab_student = student
    return student


@register.simple_tag(takes_context=True)
def lab_styles(context: template.Context) -> str:
    if _student(context) is None:
        return ""
    return format_html('<link rel="stylesheet" href="{}">', static("classrooms/classrooms.css"))


@register.inclusion_tag("classrooms/lab_drawer_body.html", takes_context=True)
def lab_drawer(context: template.Context) -> dict:
    return {"student": _student(context)}
