"""Developer tooling behind build.py (runs in the project's .venv)."""
