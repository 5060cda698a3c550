"""Test support shared by tests/, bench/ and tools/ (after websockets' ``tests/utils.py`` and
firebase-admin's ``testutils.py``): one copy of each helper instead of one per caller.

The package itself imports nothing, so that ``tools.stack`` can use ``ports`` without
pulling in pytest, Playwright or aiohttp. Modules:

* ``ports``: ``free_port()``.
* ``rtdb_process``: ``python -m rtdb`` as a subprocess (``start_server``/``stop_server``).
* ``inproc``: the same server application on a thread of this process (``inproc_server``).
* ``stacks``: the whole local stack (``local_stack``), and the one running the test
  functions codebase (``functions_stack``, ``call_function``).
* ``admin``: firebase-admin apps on a bare rtdb server (``admin_app``, ``admin_apps``).
* ``tokens``: unsigned ID tokens, as the Auth emulator issues (``id_token``).
* ``rawhttp``: plain HTTP requests and SSE streams (``request``, ``open_stream``, ``OWNER``).
* ``rawws``: a WebSocket opened and framed by hand (``raw_ws``, ``ws_frame``).
* ``jsclient``: the real Firebase JS SDK in Node, driven from Python (``JsDriver``).
* ``browser``: Playwright contexts kept on loopback (``guard``) and the sign-in form.
* ``waiting``: ``wait_until(probe)``.
"""
