"""The student's side: the lab of their classroom beside the console, ticking as checks
pass (/lab/ as a page, /lab/panel/ as the htmx-polled panel any console page opens)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from services.classrooms import provisioning
from services.classrooms.models import Student
from services.core.views.base import render_console, signin_redirect


def _student(request: HttpRequest) -> Student | None:
    account = getattr(request, "account", None)
    if account is None:
        return None
    return Student.objects.select_related("classroom", "account").filter(account=account).first()


def _context(student: Student | None) -> dict:
    lab = provisioning.assigned_lab(student.classroom) if student else None
    result = provisioning.progress(student) if lab else None
    steps = []
    if lab and result:
        for step, outcome in zip(lab.steps, result.steps, strict=True):
            steps.append({"step": step, "result": outcome, "html": markdown(step.text)})
    return {"student": student, "lab": lab, "result": result, "steps": steps}


def lab_page(request: HttpRequest) -> HttpResponse:
    if getattr(request, "account", None) is None:
        return signin_redirect(request)
    return render_console(request, "classrooms/lab_page.html", _context(_student(request)))


def lab_panel(request: HttpRequest) -> HttpResponse:
    if getattr(request, "account", None) is None:
        return signin_redirect(request)
    response = render(request, "classrooms/lab_panel.html", _context(_student(request)))
    response.console_rendered = True
    return response


def markdown(text: str) -> str:
    """A small, safe Markdown: paragraphs, `code`, **bold**, fenced code, lists and
    pipe tables — what lab steps use. Everything is escaped first."""
    import html
    import re

    out: list[str] = []
    blocks = re.split(r"\n\s*\n", html.escape(text.strip(), quote=False))
    for block in blocks:
        if block.startswith("```"):
            body = block.strip("`").split("\n", 1)[-1]
            out.append(f"<pre><code>{body}</code></pre>")
            continue
        lines = block.splitlines()
        if all(line.startswith("|") for line in lines):
            rows = [
                [c.strip() for c in line.strip("|").split("|")]
                for line in lines
                if not re.match(r"^\|[-| :]+\|$", line)
            ]
            head, *body = rows
            cells = "".join(f"<th>{_inline(c)}</th>" for c in head)
            trs = "".join(
                "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in body
            )
            out.append(f'<table class="lab-table"><tr>{cells}</tr>{trs}</table>')
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
    return mark_safe("".join(out))  # built from escaped text only


def _inline(text: str) -> str:
    import re

    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)
