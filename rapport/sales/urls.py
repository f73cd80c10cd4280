from django.urls import path

from rapport.sales import views

app_name = "sales"
urlpatterns = [
    path("orders/", views.order_list_view, name="order_list"),
    path("orders/import/", views.order_import_view, name="order_import"),
    path("panel/person/<int:pk>/", views.person_orders_panel, name="person_orders_panel"),
    path(
        "panel/organization/<int:pk>/",
        views.organization_orders_panel,
        name="organization_orders_panel",
    ),
]
