"""The console's "Where learners get lost" list (issue 15 item 7): each lesson's hottest
moments, from its "I'm lost here" taps (confusion/$cid, one live read per course the user
moderates) and the seconds its questions in the console's windows were asked at."""

from app.binding.live import LiveValue
from app.model import paths
from app.pages import PAGES
from app.services import confusion
from app.ui.dom import element, set_text

TOP = 3  # moments per lesson


class _Taps:
    def __init__(self, panel, course_id):
        self.panel = panel
        self.course_id = course_id

    def show(self, value):
        self.panel.taps[self.course_id] = value or {}
        self.panel.render()

    def error(self, err):
        self.panel.taps.pop(self.course_id, None)
        self.panel.render()


class HotMoments:
    def __init__(self, root, console):
        self.root = root
        self.console = console
        self.taps = {}  # cid -> {lid: {bucket: {uid: at}}}
        self.models = []
        self.shown = None

    def start(self, mine):
        self.stop()
        for cid in sorted(mine):
            model = LiveValue(paths.confusion(cid), _Taps(self, cid))
            self.models.append(model)
            model.start()

    def stop(self):
        for model in self.models:
            model.stop()
        self.models = []
        self.taps = {}
        self.shown = None
        if self.root is not None:
            self.root.hidden = True

    def _questions(self):
        """{(cid, lid): {qid: question}} of the console's items with a videoSecond."""
        out = {}
        cards = self.console.cards
        for key in cards:
            item = cards[key]
            value = item.value
            if value.get("videoSecond") is None or not value.get("lessonId"):
                continue
            place = (item.ctx.course_id, value["lessonId"])
            out.setdefault(place, {})[key] = value
        return out

    def render(self):
        if self.root is None:
            return
        questions = self._questions()
        places = set(questions)
        for cid in self.taps:
            for lid in self.taps[cid] or {}:
                places.add((cid, lid))
        rows = []
        for cid, lid in sorted(places):
            lesson_taps = (self.taps.get(cid) or {}).get(lid) or {}
            heat = confusion.heat(lesson_taps, questions.get((cid, lid)))
            if heat:
                rows.append((cid, lid, [(b, heat[b]) for b in confusion.hottest(heat, TOP)]))
        if rows == self.shown:
            return
        self.shown = rows
        listing = self.root.querySelector("#hot-list")
        listing.innerHTML = ""
        for cid, lid, moments in rows:
            course = self.console.courses.get(cid)
            item = element("li", "hot-lesson")
            item.setAttribute("data-lesson", cid + "/" + lid)
            link = element("a")
            url = PAGES["lesson"]["url"].format(course_id=cid, lesson_id=lid)
            link.setAttribute("href", "/" + url)
            set_text(link, course.lesson_title(lid) if course is not None else lid)
            item.appendChild(link)
            words = []
            for bucket, (lost, asked) in moments:
                parts = []
                if lost:
                    parts.append(str(lost) + " lost")
                if asked:
                    parts.append(str(asked) + (" question" if asked == 1 else " questions"))
                words.append(confusion.bucket_words(bucket) + " (" + ", ".join(parts) + ")")
            detail = element("span", "hot-moments-list")
            set_text(detail, ": " + " · ".join(words))
            item.appendChild(detail)
            listing.appendChild(item)
        self.root.hidden = not rows
