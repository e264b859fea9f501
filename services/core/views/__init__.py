"""The console shell and the generic resource views."""
