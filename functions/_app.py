"""The one firebase-admin app every function shares.

No options are passed: deployed, Cloud Functions sets FIREBASE_CONFIG (project, database
URL); locally the Functions emulator sets it, and `build.py serve` gives the emulator the
database URL and FIREBASE_DATABASE_EMULATOR_HOST, so the same code reaches Nimbus's local
database instead of production.
"""

import firebase_admin


def init() -> firebase_admin.App:
    """Initialise the default app once per worker (imports may run it more than once)."""
    try:
        return firebase_admin.get_app()
    except ValueError:
        return firebase_admin.initialize_app()
