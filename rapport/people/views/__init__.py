"""Server-rendered pages for people and organisations (HTMX for partial updates)."""
