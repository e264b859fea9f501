from django.apps import AppConfig


class VpcConfig(AppConfig):
    name = "services.vpc"
    label = "vpc"
    verbose_name = "VPC"
