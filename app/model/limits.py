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

# Lesson progress (progress/<uid>/<cid>/<lid>): seconds of the video, saved by the player.
COMPLETE_FRACTION = 0.9  # a lesson is complete once watched >= 90 % of its duration
PROGRESS_SAVE_MS = 10000  # at most one throttled save per 10 s while playing
LESSON_SECONDS_MAX = 43200  # the longest duration a progress record may name (12 h)
# watched may grow by at most one second per WATCH_MS_PER_S of wall clock since the last
# save (the player's top speed is 2x), plus WATCH_SLACK_S (also the whole of a first save)
WATCH_MS_PER_S = 500
WATCH_SLACK_S = 30

# Moderation (issue 15): a post reported by REPORTS_TO_HIDE distinct members is hidden
# pending review; a report's note and a mute's or ban's reason are short texts.
REPORTS_TO_HIDE = 3
REPORT_NOTE_MAX = 500
REASON_MAX = 300
# Slow mode: at most SLOW_MODE_MAX_S seconds between one member's posts; the console
# offers SLOW_MODE_CHOICES_S (and off).
SLOW_MODE_MAX_S = 1200
SLOW_MODE_CHOICES_S = (10, 30, 60, 300)

# Office hours and the confusion map (issue 15 items 6-7): a queue entry's one-line
# question; one "I'm lost here" per user per CONFUSION_BUCKET_S seconds of a lesson (it
# must divide 60: the rules count a lesson's buckets from its minutes).
OFFICE_QUESTION_MAX = 160
CONFUSION_BUCKET_S = 10

# Gurubot (issue 13, app/model/gurubot.py): it replies to a new question with at most
# GURUBOT_THREADS answered similar threads and GURUBOT_MOMENTS transcript moments, each at
# least GURUBOT_MIN_RELEVANCE relevant (the idf-weighted share of the question's terms it
# holds, the title's terms counting GURUBOT_TITLE_WEIGHT times), and stays silent when
# nothing is; it reads at most GURUBOT_TERMS of the question's terms' postings and quotes
# at most GURUBOT_QUOTE_MAX characters of an answer.
GURUBOT_THREADS = 3
GURUBOT_MOMENTS = 3
GURUBOT_MIN_RELEVANCE = 0.3  # bench/search_quality.py: off-topic questions reach at most 0.26
GURUBOT_TITLE_WEIGHT = 3
GURUBOT_TERMS = 18
GURUBOT_QUOTE_MAX = 240
