"""Search as you type in the course and lesson headers, and similar questions under the ask
form (issue 13 items 2 and 3).

Both ask app/services/search.py's Searcher, which reads the course's index (one small node
per word) and ranks posts; a hit names a post, so the question itself (title, body, lesson,
accepted answer) is read once per thread and kept. A thread counts as answered when its
question has an accepted answer or an answer of it is among the hits (the index holds
answers under their question); answered threads come first, each group in rank order.
Text reaches the page only through app/ui/highlight.py (escape-first) or textContent.
"""

from pyscript import document, window
from pyscript.ffi import create_proxy

from app.model import gurubot, paths
from app.model import search as core
from app.services import database, errors
from app.services.search import Searcher
from app.ui import highlight
from app.ui.dom import by_id, element, on, set_attr, set_text

DEBOUNCE_MS = 120  # typing faster than this asks once, for the latest text
BOX_RESULTS = 8
BOX_MOMENTS = 3  # transcript moments among the box's results
SIMILAR_RESULTS = 5
MEMBERS_ONLY = "Search is for learners enrolled in this course."
SIGN_IN = "Sign in: search is for learners enrolled in this course."
SEARCHING = "Searching…"


def lesson_url(course_id, lesson_id, qid):
    """The lesson page, opened at the question (app/ui/forum.py reads the #q- fragment)."""
    return "/course/" + course_id + "/lesson/" + lesson_id + ".html#q-" + qid


def no_results(text):
    return "No results for “" + text.strip() + "”"


def _failed(err):
    if err.kind in (errors.PERMISSION, errors.UNAUTHENTICATED):
        return MEMBERS_ONLY
    return "Search is unavailable right now: " + err.message


def moment_label(second, title):
    """A transcript hit's link text: "at 3:12 in <lesson>"."""
    return "at " + gurubot.clock(second) + " in " + title


class Finder:
    """Question threads matching a text, answered first: [{qid, question, answered}]; with
    ``moments``, up to that many transcript moments after the answered threads, each
    {moment: True, lessonId, second, title, text} (the lesson's title and the cue's text)."""

    def __init__(self, course_id, moments=0):
        self.course_id = course_id
        self.moments = moments
        self.searcher = None
        self.questions = {}  # qid -> the question as read (None: gone)
        self.lessons = {}  # lid -> {"title", "cues"} as read (None: gone)
        self.latest = 0

    def signed_in(self, user):
        """A searcher for this reader: staff also find hidden posts, authors their own."""
        self.questions = {}
        self.searcher = Searcher(self.course_id, uid=user["uid"])
        if user.get("admin"):
            self.searcher.staff = True
            return

        def instructor(uid):
            if uid == user["uid"] and self.searcher is not None:
                self.searcher.staff = True
                self.searcher.uid = ""

        database.read_once(paths.course_instructor(self.course_id), instructor, None)

    def signed_out(self):
        self.searcher = None
        self.questions = {}
        self.lessons = {}
        self.latest += 1

    def new_session(self):
        """A new round of typing reads the index afresh: the Searcher keeps the nodes it
        read for a while (typing on reads only the newest word's), and the questions read
        are kept too; a post made since, by anyone, must be found by the next search."""
        old = self.searcher
        if old is not None:
            self.searcher = Searcher(self.course_id, staff=old.staff, uid=old.uid)
        self.questions = {}

    def find(self, text, limit, on_found, on_error):
        """on_found(threads) for text unless a later find started; on_error(err) once."""
        self.latest += 1
        seq = self.latest
        if self.searcher is None:
            return

        def ranked(results):
            if seq != self.latest:
                return
            order = []
            answered = {}
            moments = []
            for hit in results:
                qid = hit["qid"]
                if core.is_moment(hit["key"]):
                    if len(moments) < self.moments:
                        moments.append(core.split_moment(hit["key"]))
                    continue
                if qid not in answered:
                    order.append(qid)
                    answered[qid] = False
                if hit["postId"] != qid:
                    answered[qid] = True
            order = order[: limit * 2]  # some may be gone since they were indexed

            def deliver():
                self._deliver(seq, order, answered, moments, limit, on_found)

            self._read(order, lambda: self._read_lessons(moments, deliver))

        def failed(err):
            if seq == self.latest:
                on_error(err)

        self.searcher.search(text, ranked, failed)

    def _read(self, qids, then):
        missing = [qid for qid in qids if qid not in self.questions]
        state = {"left": len(missing)}
        if not missing:
            then()
            return
        for qid in missing:

            def got(value, qid=qid):
                self.questions[qid] = value if isinstance(value, dict) else None
                state["left"] -= 1
                if state["left"] == 0:
                    then()

            def failed(err, qid=qid):
                got(None, qid)

            database.read_once(paths.question(self.course_id, qid), got, failed)

    def _read_lessons(self, moments, then):
        """Each moment's lesson title (public) and transcript (members), once per lesson."""
        lids = []
        for lid, _ in moments:
            if lid not in self.lessons and lid not in lids:
                lids.append(lid)
        state = {"left": 2 * len(lids)}
        if not lids:
            then()
            return
        for lid in lids:
            self.lessons[lid] = {"title": "", "cues": None}

            def done():
                state["left"] -= 1
                if state["left"] == 0:
                    then()

            def title(value, lid=lid):
                self.lessons[lid]["title"] = (value or {}).get("title", "") if value else ""
                done()

            def cues(value, lid=lid):
                self.lessons[lid]["cues"] = core.moments(value)
                done()

            database.read_once(paths.lesson(self.course_id, lid), title, lambda e: done())
            database.read_once(paths.transcript(self.course_id, lid), cues, lambda e: done())

    def _moments(self, moments):
        out = []
        for lid, second in moments:
            lesson = self.lessons.get(lid) or {}
            text = (lesson.get("cues") or {}).get(second)
            if lesson.get("title") and text:
                out.append({"moment": True, "lessonId": lid, "second": second,
                            "title": lesson["title"], "text": text})  # fmt: skip
        return out

    def _deliver(self, seq, order, answered, moments, limit, on_found):
        if seq != self.latest:
            return
        threads = []
        for qid in order:
            question = self.questions.get(qid)
            if question and question.get("lessonId"):
                done = answered[qid] or bool(question.get("acceptedAnswerId"))
                threads.append({"qid": qid, "question": question, "answered": done})
        firsts = [t for t in threads if t["answered"]]  # (MicroPython's sort is not stable)
        firsts = firsts + self._moments(moments)
        on_found((firsts + [t for t in threads if not t["answered"]])[:limit])


class _Debounced:
    """Calls fire(text) for an input element's text: at once for a key typed after a pause
    of DEBOUNCE_MS (nothing to wait for: the results show as the key lands), and for a
    burst of faster keys once, DEBOUNCE_MS after its last (bench/search_bench.py)."""

    def __init__(self, input_el, fire):
        self.input = input_el
        self.fire = fire
        self.timer = None
        self.last = -DEBOUNCE_MS
        self._proxy = create_proxy(self._elapsed)
        on(input_el, "input", self._typed)

    def _typed(self, *args):
        now = float(window.performance.now())
        quiet = now - self.last >= DEBOUNCE_MS
        self.last = now
        if self.timer is not None:
            window.clearTimeout(self.timer)
            self.timer = None
        if quiet:
            self.fire(self.input.value)
        else:
            self.timer = window.setTimeout(self._proxy, DEBOUNCE_MS)

    def _elapsed(self, *args):
        self.timer = None
        self.fire(self.input.value)


def _answered_badge():
    badge = element("span", "badge search-answered")
    badge.textContent = "✓ answered"
    return badge


class SearchBox:
    """The header's search box: a combobox whose listbox shows matching questions.

    #search's data-state: idle (closed) · searching · results · empty (no results, says
    what was searched) · refused (not a member: says search is for enrolled learners)."""

    def __init__(self, course_id):
        self.course_id = course_id
        self.finder = Finder(course_id, BOX_MOMENTS)
        self.root = by_id("search")
        self.input = by_id("search-input")
        self.pop = by_id("search-pop")
        self.status = by_id("search-status")
        self.list = by_id("search-results")
        self.urls = []
        self.active = -1
        self.shown = ""
        self._close_later = create_proxy(self._blurred)
        _Debounced(self.input, self.query)
        on(self.input, "keydown", self.key)
        on(self.input, "focus", self._focused)
        on(self.list, "click", self._clicked)
        on(self.root, "focusout", lambda *a: window.setTimeout(self._close_later, 150))

    def signed_in(self, user):
        self.finder.signed_in(user)
        if self.input.value.strip():
            self.query(self.input.value)

    def signed_out(self):
        self.finder.signed_out()
        self.close()

    # ---- the listbox
    def _state(self, state, message=""):
        self.root.setAttribute("data-state", state)
        set_text(self.status, message)
        is_open = state != "idle"
        self.pop.hidden = not is_open
        self.input.setAttribute("aria-expanded", "true" if state == "results" else "false")

    def close(self):
        self._select(-1)
        self._state("idle")

    def _blurred(self, *args):
        if not self.root.contains(document.activeElement):
            self.close()

    def _focused(self, *args):
        self.finder.new_session()
        if self.input.value.strip() and self.shown == self.input.value:
            self._state(self.root.getAttribute("data-shown") or "idle", self.status.textContent)

    def query(self, text):
        if not text.strip():
            self.close()
            return
        if self.finder.searcher is None:
            self._state("refused", SIGN_IN)
            return
        if self.root.getAttribute("data-state") not in ("results", "searching"):
            self._state("searching", SEARCHING)

        def found(threads):
            self._show(text, threads)

        def failed(err):
            self._clear()
            self._state("refused", _failed(err))
            self.shown = text
            self.root.setAttribute("data-shown", "refused")

        self.finder.find(text, BOX_RESULTS, found, failed)

    def _clear(self):
        while self.list.firstChild:
            self.list.firstChild.remove()
        self.urls = []
        self.active = -1
        self.input.removeAttribute("aria-activedescendant")

    def _show(self, text, threads):
        self._clear()
        self.shown = text
        for i, thread in enumerate(threads):
            if thread.get("moment"):
                self._show_moment(i, text, thread)
                continue
            question = thread["question"]
            url = lesson_url(self.course_id, question["lessonId"], thread["qid"])
            item = self._option(i, thread["qid"])
            link = element("a", "search-title")
            link.href = url
            link.tabIndex = -1
            link.innerHTML = highlight.to_html(question.get("title", ""), text)  # escape-first
            item.appendChild(link)
            if thread["answered"]:
                set_attr(item, "data-answered", True)
                item.appendChild(_answered_badge())
            snippet = highlight.excerpt(question.get("body", ""), text)
            if snippet:
                line = element("p", "search-snippet")
                line.innerHTML = highlight.to_html(snippet, text)  # escape-first
                item.appendChild(line)
            self.list.appendChild(item)
            self.urls.append(url)
        if threads:
            count = len(threads)
            said = str(count) + (" result" if count == 1 else " results")
            self._state("results", said + " found; use the arrow keys to choose one")
            self.root.setAttribute("data-shown", "results")
        else:
            self._state("empty", no_results(text))
            self.root.setAttribute("data-shown", "empty")

    def _option(self, i, key):
        item = element("li", "search-result")
        item.id = "search-opt-" + str(i)
        item.setAttribute("role", "option")
        item.setAttribute("aria-selected", "false")
        item.setAttribute("data-key", key)
        return item

    def _show_moment(self, i, text, moment):
        """A transcript hit: "at 3:12 in <lesson>", opening the lesson at that second."""
        url = gurubot.moment_url(self.course_id, moment["lessonId"], moment["second"])
        item = self._option(i, core.moment_key(moment["lessonId"], moment["second"]))
        item.setAttribute("data-moment", "1")
        link = element("a", "search-title search-moment")
        link.href = url
        link.tabIndex = -1
        link.textContent = moment_label(moment["second"], moment["title"])
        item.appendChild(link)
        line = element("p", "search-snippet")
        line.innerHTML = highlight.to_html(moment["text"], text)  # escape-first
        item.appendChild(line)
        self.list.appendChild(item)
        self.urls.append(url)

    def _select(self, index):
        for i, item in enumerate(self.list.children):
            item.setAttribute("aria-selected", "true" if i == index else "false")
        self.active = index
        if index < 0:
            self.input.removeAttribute("aria-activedescendant")
        else:
            self.input.setAttribute("aria-activedescendant", "search-opt-" + str(index))

    def key(self, event):
        name = event.key
        count = len(self.urls)
        if name == "Escape":
            event.preventDefault()
            if self.root.getAttribute("data-state") == "idle":
                self.input.value = ""
            self.close()
        elif name in ("ArrowDown", "ArrowUp") and count:
            event.preventDefault()
            if self.root.getAttribute("data-state") != "results":
                self._state("results", self.status.textContent)
            step = 1 if name == "ArrowDown" else -1
            self._select((self.active + step) % count if self.active >= 0 or step > 0
                         else count - 1)  # fmt: skip
        elif name == "Enter" and count and self.root.getAttribute("data-state") == "results":
            event.preventDefault()
            self.open(self.active if self.active >= 0 else 0)

    def _clicked(self, event):
        item = event.target.closest(".search-result")
        if item is not None and item.id.startswith("search-opt-"):
            event.preventDefault()
            self.open(int(item.id[len("search-opt-") :]))

    def open(self, index):
        url = self.urls[index]
        self.close()
        window.location.assign(url)


class SimilarQuestions:
    """Up to SIMILAR_RESULTS questions like the title being typed, under the ask form. Each
    opens in a new tab, so the draft in this one stays as typed."""

    def __init__(self, course_id):
        self.course_id = course_id
        self.finder = Finder(course_id)
        self.root = by_id("similar")
        self.list = by_id("similar-list")
        title = by_id("ask-title")
        _Debounced(title, self.query)
        on(title, "focus", lambda *a: self.finder.new_session())

    def signed_in(self, user):
        self.finder.signed_in(user)

    def signed_out(self):
        self.finder.signed_out()
        self.clear()

    def clear(self):
        """No list (the title is too short, or was just posted)."""
        while self.list.firstChild:
            self.list.firstChild.remove()
        self.root.hidden = True

    def query(self, text):
        if len(text.strip()) < 3 or self.finder.searcher is None:
            self.clear()
            return
        self.finder.find(text, SIMILAR_RESULTS, lambda threads: self._show(text, threads),
                         lambda err: self.clear())  # fmt: skip

    def _show(self, text, threads):
        self.clear()
        for thread in threads:
            question = thread["question"]
            item = element("li", "similar-item")
            item.setAttribute("data-key", thread["qid"])
            link = element("a")
            link.href = lesson_url(self.course_id, question["lessonId"], thread["qid"])
            link.target = "_blank"
            link.rel = "noopener"
            link.innerHTML = highlight.to_html(question.get("title", ""), text)  # escape-first
            item.appendChild(link)
            if thread["answered"]:
                set_attr(item, "data-answered", True)
                item.appendChild(_answered_badge())
            self.list.appendChild(item)
        self.root.hidden = not threads
