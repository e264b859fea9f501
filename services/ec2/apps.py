from django.apps import AppConfig


class Ec2Config(AppConfig):
    name = "services.ec2"
    label = "ec2"
    verbose_name = "EC2"

    def ready(self) -> None:
        from services.ec2 import operations, resources, vpc_hooks  # noqa: F401  (registers them)

        # VPC asks EC2 about instances through its hooks (services/vpc/network.py).
        vpc_hooks.install()
