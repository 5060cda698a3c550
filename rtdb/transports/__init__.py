"""Thin asyncio adapters between the network and the sans-I/O core and protocol."""
