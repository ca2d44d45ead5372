"""Weekly digests: composing (``compose``), their SQLite store (``store``), the
APScheduler-driven runner (``scheduler``), the ``/digest`` listeners and lease holders."""
