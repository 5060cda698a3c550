# Generated from app/model/moderation.py by `python3 build.py rules`: edit that file, not this copy.
"""Moderation's vocabulary: what a report may give as its reason and what an audit entry may
name as its action.

The rules (rules/moderation_rules.py: which values reports/ and audit/ accept), the report
form and the console (app/services/moderation.py, app/ui/reports.py) read these, so a
reason the form offers is one the rules accept and every audited action has its words.
"""

REASONS = ("spam", "abusive", "off-topic", "other")
FLAG_ACTIONS = ("pinned", "locked", "hidden", "endorsed")  # staff flags on posts
# every audited action; no *x in MicroPython displays, so a sum
ACTIONS = FLAG_ACTIONS + ("delete", "dismiss", "mute", "ban", "lift", "slow")  # noqa: RUF005
