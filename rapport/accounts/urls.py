from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from rapport.accounts import views
from rapport.accounts.login import SignInView
from rapport.accounts.password_reset import reset_views

reset = reset_views()

app_name = "accounts"
urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", reset["request"], name="password_reset"),
    path("password/reset/sent/", reset["done"], name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", reset["confirm"], name="password_reset_confirm"),
    path("password/reset/complete/", reset["complete"], name="password_reset_complete"),
    path("settings/", views.settings_index_view, name="settings"),
    path("settings/users/", views.user_list_view, name="user_list"),
    path("settings/users/<int:pk>/", views.user_edit_view, name="user_edit"),
    path("settings/users/<int:pk>/active/", views.user_active_view, name="user_active"),
    path("settings/teams/", views.team_list_view, name="team_list"),
    path("settings/workspace/", views.workspace_view, name="workspace"),
]
