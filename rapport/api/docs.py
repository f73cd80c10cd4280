"""The interactive API docs, served from vendored Swagger UI (never a CDN).

django-ninja renders its docs from a CDN unless "ninja" is an installed app; we
render our own template instead, which loads static/vendor/swagger-ui/.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

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
