"""SQLite state: connection and migrations (``db``) and the approvals store (``approvals``)."""
