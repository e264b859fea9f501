from django.apps import AppConfig


class IamConfig(AppConfig):
    name = "services.iam"
    label = "iam"
    verbose_name = "IAM"
