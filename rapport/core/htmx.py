from django.http import HttpRequest


def htmx_partial(request: HttpRequest) -> bool:
    """True when HTMX asked for a fragment rather than a whole page (NetBox's idiom)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )
