from django.apps import AppConfig


class CloudTrailConfig(AppConfig):
    name = "services.cloudtrail"
    label = "cloudtrail"
    verbose_name = "CloudTrail"

    def ready(self) -> None:
        from services.cloudtrail import operations  # noqa: F401  (registers them)
        from services.core import registry
        from services.core.registry import NavLink, Service

        registry.register_service(
            Service(
                "cloudtrail",
                "CloudTrail",
                "Track user activity and API usage",
                "Management & Governance",
                home_url_name="cloudtrail:events",
                nav_links=(NavLink("Event history", "cloudtrail:events"),),
            )
        )
