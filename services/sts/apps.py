from django.apps import AppConfig


class StsConfig(AppConfig):
    name = "services.sts"
    label = "sts"
    verbose_name = "STS"
