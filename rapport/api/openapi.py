"""The API object, whose OpenAPI lists the errors the plumbing itself can answer.

Each operation documents its own outcomes in ``response={...}`` (403, 404, 409,
412, …). A few answers come from the shared machinery rather than the handler,
so they are added here to every operation they apply to, rather than repeated
in eighty ``response`` maps:

- 401 and 429: every authenticated operation (the token check and the rate limit);
- 422: every operation with parameters or a body (schema validation);
- 400 and 413: every operation with a body (not a JSON object, or too large).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    413: "Request body too large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def shared_error_statuses(operation: dict[str, Any]) -> set[int]:
    statuses: set[int] = set()
    if operation.get("security"):
        statuses |= {401, 429}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses |= {400, 413}
    return statuses


class RapportAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in schemas:
            from rapport.api.schemas import ErrorOut

            schemas["ErrorOut"] = ErrorOut.model_json_schema()
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method not in METHODS:
                    continue
                responses = operation.setdefault("responses", {})
                for status in sorted(shared_error_statuses(operation)):
                    responses.setdefault(
                        str(status),
                        {
                            "description": DESCRIPTIONS[status],
                            "content": {"application/json": {"schema": ERROR_REF}},
                        },
                    )
        return schema
