"""/email-templates, /people/{id}/emails, /emails/{id} and /campaigns, mounted at /api/v1/."""

from ninja import Router

from rapport.campaigns.api.campaigns import router as campaigns_router
from rapport.campaigns.api.emails import router as emails_router
from rapport.campaigns.api.templates import router as templates_router

router = Router()
router.add_router("/", templates_router)
router.add_router("/", emails_router)
router.add_router("/", campaigns_router)

__all__ = ["router"]
