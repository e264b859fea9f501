"""`{% lab_drawer %}`: the student's lab beside any console page (nothing for an account
outside a classroom or without an assigned lab)."""

from __future__ import annotations

from django import template

from services.classrooms.models import Student

register = template.Library()


@register.inclusion_tag("classrooms/lab_drawer_body.html", takes_context=True)
def lab_drawer(context: template.Context) -> dict:
    request = context.get("request")
    account = getattr(request, "account", None)
    student = None
    if account is not None:
        student = (
            Student.objects.select_related("classroom")
            .filter(account=account)
            .exclude(classroom__lab_slug="")
            .first()
        )
    return {"student": student}
