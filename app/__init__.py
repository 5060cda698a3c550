"""Nimbus browser app (MicroPython, written against PyScript's API; loaded by boot.js).

Layers:
  ui/       views: the only code that reads and writes the DOM
  binding/  live models: database value/child events -> keyed view updates
  services/ the only code that touches the Firebase JS SDK

Live data flows services -> binding -> ui; commands (sign in, later: post, buy) go from
ui straight to a service.
"""
