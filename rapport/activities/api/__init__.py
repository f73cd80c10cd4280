"""/activities, /tasks and /notifications, mounted at /api/v1/ by config/api.py."""

from ninja import Router

from rapport.activities.api.activities import router as activities_router
from rapport.activities.api.notifications import router as notifications_router
from rapport.activities.api.tasks import router as tasks_router

router = Router()
router.add_router("", activities_router)
router.add_router("", tasks_router)
router.add_router("", notifications_router)
