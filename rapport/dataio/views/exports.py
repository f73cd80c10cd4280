"""List exports: the list page's filters, as CSV (streamed) or XLSX."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.core.web import View, current_user, translate_errors
from rapport.dataio.exports.lists import csv_lines, export_queryset, xlsx_file

ENTITIES = {"people": "person", "organisations": "organization"}


@require_GET
def _export_view(request: HttpRequest, entity: str, fmt: str) -> HttpResponseBase:
    if entity not in ENTITIES or fmt not in ("csv", "xlsx"):
        raise Http404("No such export.")
    qs, columns = export_queryset(user=current_user(request), entity=ENTITIES[entity],
                                  params=request.GET)  # fmt: skip
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = f"{entity}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(qs, columns), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(xlsx_file(qs, columns, entity.title()), as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


# A streamed or file response is not an HttpResponse, but the wrapper only passes it on.
export_view = translate_errors(cast(View, _export_view))
