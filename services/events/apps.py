"""EventBridge: event buses, rules, targets, PutEvents and the events the cloud emits."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "services.events"
    label = "events"
    verbose_name = "Amazon EventBridge"

    def ready(self) -> None:
        # Registers the operations and the resource types, then puts the events the
        # simulated cloud emits (hooks.aws_event) on the default bus.
        from services.core import hooks
        from services.core.accounts import account_created
        from services.events import buses, emit, operations, resources  # noqa: F401

        hooks.aws_event.install(emit.emit)
        # Every account has a default event bus in every region.
        account_created.connect(buses.on_account_created, dispatch_uid="events-default-buses")
