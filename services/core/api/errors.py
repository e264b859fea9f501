"""REST errors: an AWS error becomes a problem document carrying the AWS code."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services.core.errors import AwsError


def exception_handler(exc, context):
    if isinstance(exc, AwsError):
        request = context.get("request")
        return Response(
            {
                "type": f"https://docs.aws.amazon.com/errors/{exc.code}",
                "title": exc.code,
                "status": exc.status,
                "detail": exc.message,
                "code": exc.code,
                "request_id": getattr(getattr(request, "_request", None), "request_id", ""),
            },
            status=exc.status,
            content_type="application/problem+json",
        )
    return drf_exception_handler(exc, context)
