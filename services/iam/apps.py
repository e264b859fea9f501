from django.apps import AppConfig


class IamConfig(AppConfig):
    name = "services.iam"
    label = "iam"
    verbose_name = "IAM"

    def ready(self) -> None:
        from services.core import hooks
        from services.iam import (  # noqa: F401  (registers them)
            authorizer,
            console_role,
            console_session,
            credentials,
            operations,
            resources,
            signin,
        )

        # From here on every operation of every service is evaluated against IAM
        # policies for IAM users and assumed roles (the root user is not).
        authorizer.install()
        # What core asks IAM without importing it (services/core/hooks.py).
        hooks.access_key_owner.install(credentials.principal_for_access_key)
        hooks.sign_in_user.install(signin.authenticate_user)
        hooks.console_user_ended.install(console_session.user_ended)
        hooks.console_role_session.install(console_role.enter_role)
