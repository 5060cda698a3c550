"""Field limits and the posting rate limit: the rules enforce them, the app checks first.

The rules (rules/nimbus_rules.py), the app's form checks and the pages' maxlength
attributes (static/templates via tools/site.py's Jinja context, app/ui's markup) all read
these names; tests/toolchain/test_model.py fails if one of the numbers is written anywhere
else or the generated rules disagree.
"""

TITLE_MAX = 200  # a question's title, in characters
BODY_MAX = 10000  # a question's or an answer's body (Markdown)
COMMENT_MAX = 2000  # a comment's body
NAME_MAX = 60  # a display name
POST_PATH_MAX = 200  # rateLimits/<uid>/post: the path of the post the tick names

# At most POSTS_PER_WINDOW new posts (questions, answers, comments) per user per window.
POSTS_PER_WINDOW = 10
WINDOW_MS = 60000

# Email (issue 14): at most MAILS_PER_HOUR mails to one user per MAIL_WINDOW_MS, whatever
# their kinds; what is over it waits for the inbox (and the next digest, if chosen).
MAILS_PER_HOUR = 6
MAIL_WINDOW_MS = 3600000
