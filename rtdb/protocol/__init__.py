"""Firebase's realtime protocol v5, sans I/O: the same session serves WebSocket and long-poll."""
