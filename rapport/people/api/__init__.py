"""The people, organisation and custom field parts of the JSON API."""

from rapport.people.api.custom_fields import router as custom_fields_router
from rapport.people.api.organizations import router as organizations_router
from rapport.people.api.people import router as people_router

__all__ = ["custom_fields_router", "organizations_router", "people_router"]
