"""Classrooms and auto-checked labs.

- ``labs.py``: labs are folders under ``labs/`` (``lab.toml``; see ``labs/README.md``).
- ``query.py``, ``catalog.py``, ``checks.py``: the check language, the resources a check
  can name (read through the Describe/List operations), and evaluating a lab.
- ``models.py``: Classroom (instructor, limits, lab) and Student (sandbox account).
- ``provisioning.py``: rosters, sandboxes, credentials, lab assignment, reset,
  suspension, deletion, progress. ``reset.py``: emptying and re-seeding an account.
- ``limits.py``: classroom limits as an ``operations.add_guard`` guard on every call.
- ``views.py`` (/instructor/), ``student_views.py`` (/lab/ and the console's lab
  drawer), ``api.py`` (/api/v1/classrooms/, /api/v1/labs/).
"""
