"""Search: the index browsers query directly, kept by database triggers, and Gurubot."""
