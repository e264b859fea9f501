"""The VPC console's own pages (the generic resource pages come from the registry)."""
