"""EC2's own console pages (the generic list, details and actions pages come from the
registry in services/ec2/resources.py)."""
