# Generated from app/model/__init__.py by `python3 build.py rules`: edit that file, not this copy.
"""Nimbus's data model: the database paths and field limits, spelt once.

Three codebases must agree on them: the rules (rules/nimbus_rules.py builds its rule
expressions from these builders and limits), the browser app (compiled to .mpy, so plain
Python that MicroPython runs: no imports, no f-strings) and the Cloud Functions, which
deploy from functions/ alone and so import a generated copy, functions/_model/
(`python3 build.py rules` writes it; tests/toolchain/test_model.py fails when it drifts).
"""
