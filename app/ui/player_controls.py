"""The player's controls beside the native ones: quality, speed, captions, and YouTube's
keyboard shortcuts (space/k play, j/l 10 s, arrows 5 s, f full screen, c captions, m mute,
> and < speed). Every change is announced in a polite live region for screen readers, and
the speed is remembered across lessons (localStorage)."""

from pyscript import document, window

from app.ui.dom import by_id, clock, on, set_attr, set_text

SPEEDS = ("0.5", "0.75", "1", "1.25", "1.5", "1.75", "2")  # the <select>'s values
SPEED_KEY = "nimbus:speed"
TYPING = ("INPUT", "TEXTAREA", "SELECT")


def _stored_speed():
    try:
        value = window.localStorage.getItem(SPEED_KEY)
    except Exception:  # noqa: BLE001 - storage refused (private mode): not remembered
        value = None
    return value if value in SPEEDS else "1"


class PlayerControls:
    def __init__(self, player):
        self.player = player
        self.video = player.video
        self.section = by_id("player")
        self.quality = by_id("quality")
        self.speed = by_id("speed")
        self.captions = by_id("captions-toggle")
        self.announce = by_id("player-announce")
        self.rate = _stored_speed()
        self.speed.value = self.rate
        self._apply_rate()
        on(self.speed, "change", lambda *a: self.set_speed(self.speed.value))
        on(self.quality, "change", lambda *a: self.player.choose(self.quality.value))
        on(self.captions, "click", lambda *a: self.toggle_captions())
        on(self.video, "loadedmetadata", lambda *a: self._apply_rate())
        on(document.body, "keydown", self._key)

    def _say(self, text):
        set_text(self.announce, text)

    def _apply_rate(self):
        rate = float(self.rate)
        self.video.defaultPlaybackRate = rate
        self.video.playbackRate = rate

    def set_speed(self, value):
        if value not in SPEEDS:
            return
        self.rate = value
        self.speed.value = value
        self._apply_rate()
        try:
            window.localStorage.setItem(SPEED_KEY, value)
        except Exception:  # noqa: BLE001 - storage refused: this page keeps it anyway
            pass
        self._say("Speed " + value + "×")

    def step_speed(self, step):
        i = SPEEDS.index(self.rate) + step
        if 0 <= i < len(SPEEDS):
            self.set_speed(SPEEDS[i])

    def toggle_captions(self):
        track = self.player.captions_track()
        if track is None:
            self._say("This lesson has no captions yet.")
            return
        showing = track.track.mode != "showing"
        track.track.mode = "showing" if showing else "hidden"
        set_attr(self.captions, "aria-pressed", "true" if showing else "false")
        self._say("Captions on" if showing else "Captions off")

    def toggle_play(self):
        if self.video.paused:
            self.video.play()
        else:
            self.video.pause()

    def skip(self, seconds):
        duration = self.player.duration or 0
        target = max(0, self.video.currentTime + seconds)
        if duration:
            target = min(duration, target)
        self.player.seek(target)
        self._say("At " + clock(target))

    def toggle_mute(self):
        self.video.muted = not self.video.muted
        self._say("Muted" if self.video.muted else "Sound on")

    def toggle_fullscreen(self):
        if document.fullscreenElement:
            document.exitFullscreen()
        else:
            self.section.requestFullscreen()

    def _key(self, *args):
        event = args[0]
        if event.defaultPrevented or event.ctrlKey or event.metaKey or event.altKey:
            return
        target = event.target
        tag = str(target.tagName or "") if target else ""
        if tag in TYPING or (target and target.isContentEditable):
            return
        key = event.key
        if key == " " and tag in ("BUTTON", "SUMMARY", "A"):
            return  # the focused control's own activation
        actions = {
            " ": self.toggle_play,
            "k": self.toggle_play,
            "j": lambda: self.skip(-10),
            "l": lambda: self.skip(10),
            "ArrowLeft": lambda: self.skip(-5),
            "ArrowRight": lambda: self.skip(5),
            "f": self.toggle_fullscreen,
            "c": self.toggle_captions,
            "m": self.toggle_mute,
            ">": lambda: self.step_speed(1),
            "<": lambda: self.step_speed(-1),
        }
        action = actions.get(key)
        if action is None or not self.player.playable():
            return
        event.preventDefault()
        action()
