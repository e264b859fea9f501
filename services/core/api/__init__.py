"""The REST door (/api/v1): generic viewsets built from the resource registry."""
