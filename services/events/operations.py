"""EventBridge's operations, one module per part; importing this registers them all."""

from services.events import (  # noqa: F401
    authorization,
    buses,
    putevents,
    rules,
    tagging,
    targets,
)
