"""The local Realtime Database's core: data, queries, listeners and writes, with no I/O."""
