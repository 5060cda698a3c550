"""Who is signed in, shared by the page's views (one dict, updated in place).

user: {"uid", "email", "name", "admin"} or None. "name" is the profile's displayName once
ensure_profile() has answered (posts must carry exactly that name), "" until then.
"""

state = {"user": None}


def user():
    return state["user"]


def uid():
    u = state["user"]
    return u["uid"] if u else None
