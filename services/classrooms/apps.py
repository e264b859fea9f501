from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "services.classrooms"
    label = "classrooms"
    verbose_name = "Classrooms and labs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from services.classrooms import limits

        limits.install()
