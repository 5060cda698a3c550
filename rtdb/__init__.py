"""Nimbus's local Firebase Realtime Database server.

``core`` holds everything with no I/O (tree, queries, listeners, hashing, writes);
``rules`` the security rules engine; ``transports`` the thin asyncio adapters (WebSocket,
long-poll, REST, SSE) that the official clients talk to; ``storage`` the journal.
"""
