from django.urls import path

from rapport.campaigns.views import campaigns, email, public, templates

app_name = "campaigns"
urlpatterns = [
    path("", campaigns.campaign_list_view, name="campaign_list"),
    path("new/", campaigns.campaign_create_view, name="campaign_create"),
    path("<int:pk>/", campaigns.campaign_detail_view, name="campaign_detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit_view, name="campaign_edit"),
    path("<int:pk>/send/", campaigns.campaign_send_view, name="campaign_send"),
    path("<int:pk>/cancel/", campaigns.campaign_cancel_view, name="campaign_cancel"),
    path("<int:pk>/delete/", campaigns.campaign_delete_view, name="campaign_delete"),
    path("templates/", templates.template_list_view, name="template_list"),
    path("templates/new/", templates.template_create_view, name="template_create"),
    path("templates/preview/", templates.template_preview_view, name="template_preview"),
    path("templates/<int:pk>/", templates.template_edit_view, name="template_edit"),
    path("templates/<int:pk>/delete/", templates.template_delete_view, name="template_delete"),
    path("people/<int:pk>/email/", email.person_email_view, name="person_email"),
    path("people/<int:pk>/emails/", email.person_email_panel_view, name="person_email_panel"),
    path("inbox/upload/", email.inbound_upload_view, name="inbound_upload"),
    path("unsubscribe/<str:token>/", public.unsubscribe_view, name="unsubscribe"),
]
