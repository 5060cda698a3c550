"""Firebase Realtime Database security rules: compile once per upload, evaluate per request.

Pure Python, no I/O. ``compile_rules`` parses and type-checks a rules file and raises
``RulesError`` exactly where Firebase refuses to save; the resulting ``Ruleset`` answers
``can_read``/``can_write``/``index_on`` for the database core. Admin requests bypass rules
in the caller.
"""

from .errors import RulesError
from .query_vars import QueryVars
from .ruleset import OPEN_RULES, Ruleset, compile_rules

__all__ = ["OPEN_RULES", "QueryVars", "RulesError", "Ruleset", "compile_rules"]
