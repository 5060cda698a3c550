"""Search as you type: the browser reads the course's index (search/$cid, kept by the search
functions) directly, one small node per word, and ranks what it read.

What is typed goes through app/model/search.py, the pipeline that indexed the posts: its
finished words read their terms' nodes (search/$cid/terms/<term>), the word still being
typed reads its prefix node (search/$cid/prefix/<first letters>). Nodes a Searcher has
read are kept for CACHE_MS, so typing on ("lambda d", "lambda de") reads only the newest
word's node. Results come back best first as {key, qid, postId, score} (postId == qid: the
question itself); a reply for a query older than the latest one is dropped, so the list
never goes back to what was typed before. Staff also read the hidden posts' index beside
each node, authors their own hidden posts' (searchHidden, searchOwnHidden). Reads are
refused to non-members by the rules; the refusal reaches on_error as the database
service's ServiceError.
"""

from app.model import paths
from app.model import search as core

CACHE_MS = 30000  # how long a read node answers again without a new read
MAX_RESULTS = 20


def query_paths(course_id, text, staff=False, uid=""):
    """The index nodes the query ``text`` reads, one group per finished term and one for
    the word being typed: the public index's node, and the hidden posts' node the reader
    may read (``staff``: every hidden post's; ``uid``: that author's own)."""
    terms, partial = core.parse_query(text)
    wanted = [("t", term) for term in terms]
    if partial:
        wanted.append(("p", core.prefix_of(partial)))
    out = []
    for part, name in wanted:
        if part == "t":
            group = [paths.search_term(course_id, name)]
            if staff:
                group.append(paths.search_hidden_term(course_id, name))
            elif uid:
                group.append(paths.search_own_hidden_term(course_id, uid, name))
        else:
            group = [paths.search_prefix(course_id, name)]
            if staff:
                group.append(paths.search_hidden_prefix(course_id, name))
            elif uid:
                group.append(paths.search_own_hidden_prefix(course_id, uid, name))
        out.append(group)
    return out


def ranked(nodes, limit=MAX_RESULTS):
    """The best ``limit`` posts of the nodes a query read, as result dicts."""
    out = []
    for key, score in core.rank(nodes)[:limit]:
        qid, post_id = core.split_post_key(key)
        out.append({"key": key, "qid": qid, "postId": post_id, "score": score})
    return out


def _read_once(path, on_value, on_error):
    from app.services import database

    database.read_once(path, on_value, on_error)


def _now_ms():
    from app.services.forum import now_ms

    return now_ms()


class Searcher:
    """One search box's queries on one course's index. ``read(path, on_value, on_error)``
    and ``now()`` (epoch ms) default to the database service and the browser's clock.
    ``staff`` (the course's instructor or an admin) also finds hidden posts; ``uid`` (a
    signed-in member) also finds their own hidden posts."""

    def __init__(self, course_id, read=None, now=None, staff=False, uid=""):
        self.course_id = course_id
        self.staff = staff
        self.uid = uid
        self._read = read or _read_once
        self._now = now or _now_ms
        self._cache = {}  # path -> (read at, node)
        self._latest = 0
        self.reads = 0  # nodes read from the database so far (the bench counts them)

    def _fresh(self, path):
        hit = self._cache.get(path)
        return hit is not None and self._now() - hit[0] < CACHE_MS

    def search(self, text, on_results, on_error=None):
        """on_results(results) for ``text`` once its nodes are read, unless a later search
        started meanwhile; on_error(err) once if a read is refused."""
        self._latest += 1
        seq = self._latest
        groups = query_paths(self.course_id, text, self.staff, self.uid)
        missing = [path for group in groups for path in group if not self._fresh(path)]
        state = {"left": len(missing), "failed": False}

        def deliver():
            if seq != self._latest:
                return
            nodes = []
            for group in groups:
                merged = {}  # a post is in the public index or a hidden one, never both
                for path in group:
                    merged.update(self._cache[path][1])
                nodes.append(merged)
            on_results(ranked(nodes))

        if not missing:
            deliver()
            return
        for path in missing:

            def got(value, path=path):
                self._cache[path] = (self._now(), value if isinstance(value, dict) else {})
                state["left"] -= 1
                if state["left"] == 0 and not state["failed"]:
                    deliver()

            def failed(err):
                if not state["failed"]:
                    state["failed"] = True
                    if on_error is not None and seq == self._latest:
                        on_error(err)

            self.reads += 1
            self._read(path, got, failed)
