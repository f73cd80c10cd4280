"""The interactive API docs, served from vendored Swagger UI (never a CDN).

django-ninja renders its docs from a CDN unless "ninja" is an installed app; we
render our own template instead, which loads static/vendor/swagger-ui/.

The docs and the OpenAPI document map every operation and field, so by default only a
signed-in user or the holder of an API token may read them (``RAPPORT_API_DOCS_PUBLIC``
opens them to anyone).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

from rapport.accounts.services import token_authenticate

if TYPE_CHECKING:
    from ninja import NinjaAPI


class VendoredSwagger(DocsBase):
    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        context = {"api": api, "swagger_settings": json.dumps(settings)}
        return render(request, self.template, context)


def _may_read_docs(request: HttpRequest) -> bool:
    if django_settings.RAPPORT.get("API_DOCS_PUBLIC"):
        return True
    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return (
        scheme.lower() == "bearer"
        and bool(secret.strip())
        and (token_authenticate(secret=secret.strip()) is not None)
    )


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap the docs page and the OpenAPI document (ninja's ``docs_decorator``)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _may_read_docs(request):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(
                {"detail": "Sign in, or send an API token, to read the API's description."},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return redirect_to_login(request.get_full_path())

    return wrapper
