"""One Django app per simulated AWS service, plus `core`, the ground they stand on."""
