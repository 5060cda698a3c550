"""Service layer: the only modules that import the Firebase JS SDK."""
