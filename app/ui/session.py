"""Who is signed in, shared by the page's views (one dict, updated in place).

user: {"uid", "email", "name", "admin", "ready"} or None. "ready" turns true once
ensure_profile() has answered and "name" is the profile's displayName (posts must carry
exactly that name); before that "name" is only for display.
"""

state = {"user": None}


def user():
    return state["user"]


def uid():
    u = state["user"]
    return u["uid"] if u else None
