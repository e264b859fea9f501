from django.apps import AppConfig


class VpcConfig(AppConfig):
    name = "services.vpc"
    label = "vpc"
    verbose_name = "VPC"

    def ready(self) -> None:
        from services.core.accounts import account_created
        from services.vpc import defaults, operations, resources  # noqa: F401  (registers them)

        account_created.connect(defaults.on_account_created, dispatch_uid="vpc-default-vpcs")
