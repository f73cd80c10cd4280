from django.urls import path

from rapport.activities.views import notifications, tasks, timeline

app_name = "activities"
urlpatterns = [
    path("people/<int:pk>/timeline/", timeline.person_timeline, name="person_timeline"),
    path("people/<int:pk>/log/", timeline.person_log, name="person_log"),
    path(
        "organisations/<int:pk>/timeline/",
        timeline.organization_timeline,
        name="organization_timeline",
    ),
    path("organisations/<int:pk>/log/", timeline.organization_log, name="organization_log"),
    path("activity/<int:pk>/delete/", timeline.activity_delete, name="activity_delete"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/team/", tasks.task_team, name="task_team"),
    path("tasks/<int:pk>/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/complete/", tasks.task_complete, name="task_complete"),
    path("tasks/<int:pk>/snooze/", tasks.task_snooze, name="task_snooze"),
    path("tasks/<int:pk>/reassign/", tasks.task_reassign, name="task_reassign"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/bell/", notifications.bell, name="bell"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/", notifications.notification_read_all, name="notification_read_all"
    ),
    path("settings/", notifications.preferences, name="preferences"),
    path("calendar/<str:token>.ics", notifications.calendar_feed, name="calendar_feed"),
]
