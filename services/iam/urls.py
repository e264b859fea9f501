"""IAM's console pages, under /<region>/iam/ (IAM is global; the region in the address
is only the console's current one). The details pages of users and policies are
declared on their types in resources.py (`ResourceType.pages`)."""

from django.urls import path

from services.iam import switch_views, user_views, views

app_name = "iam"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("simulator/", views.simulator, name="simulator"),
    path("credential-report/", views.credential_report, name="credential-report"),
    path("switch-role/", switch_views.switch_role, name="switch-role"),
    path("switch-back/", switch_views.switch_back, name="switch-back"),
    # Before the generic details page of users: theirs has a Security credentials tab.
    # (user ids only, so users/create/ stays the generic create page)
    path("users/<str:resource_id>/access-keys/", user_views.access_keys, name="user-access-keys"),
    path(
        "users/<str:resource_id>/access-keys/created/",
        user_views.access_key_created,
        name="user-access-key-created",
    ),
    path(
        "users/<str:resource_id>/console-access/",
        user_views.console_access,
        name="user-console-access",
    ),
    path("users/<str:resource_id>/mfa/", user_views.mfa, name="user-mfa"),
]
