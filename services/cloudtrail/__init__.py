"""CloudTrail: the event history of every call, read from the audit log."""
