"""The player's own controls over the video element (the native ones stay off).

Play/pause, a seek bar (a range input, so keyboards and screen readers know it: "1:23 of
5:00") under the question markers, the time, mute, speed 0.5-2x (remembered across lessons
in localStorage), captions, quality and full screen (the frame with the controls, so they
stay usable there). YouTube's keys work anywhere on the page except while typing in a
field: space/k play, j/l 10 s, arrows 5 s (also on the focused seek bar), f full screen,
c captions, m mute, > and < speed. Every change is announced in a polite live region.
The controls stay disabled until the video has a signed URL and its metadata.
"""

from pyscript import document, window

from app.ui.dom import by_id, clock, on, set_attr, set_text

SPEEDS = ("0.5", "0.75", "1", "1.25", "1.5", "1.75", "2")  # the <select>'s values
SPEED_KEY = "nimbus:speed"
TYPING = ("INPUT", "TEXTAREA", "SELECT")
SEEK_ID = "seek"  # the seek bar is an <input>, but its keys are the player's
CONTROL_IDS = (
    "play-toggle",
    "seek",
    "mute-toggle",
    "speed",
    "captions-toggle",
    "quality",
    "fullscreen-toggle",
)


def _stored_speed():
    try:
        value = window.localStorage.getItem(SPEED_KEY)
    except Exception:  # noqa: BLE001 - storage refused (private mode): not remembered
        value = None
    return value if value in SPEEDS else "1"


def _number(value):
    """A media time as a float, 0 for NaN/Infinity (before the metadata is known)."""
    try:
        value = float(value)
    except Exception:  # noqa: BLE001 - undefined or not a number
        return 0.0
    if value != value or value == float("inf"):
        return 0.0
    return value


class PlayerControls:
    def __init__(self, player):
        self.player = player
        self.video = player.video
        self.frame = by_id("player-frame")
        self.bar = by_id("controls")
        self.play = by_id("play-toggle")
        self.play_icon = self.play.querySelector(".ctl-icon")
        self.seek_bar = by_id(SEEK_ID)
        self.time = by_id("time-display")
        self.mute = by_id("mute-toggle")
        self.quality = by_id("quality")
        self.speed = by_id("speed")
        self.captions = by_id("captions-toggle")
        self.fullscreen = by_id("fullscreen-toggle")
        self.announce = by_id("player-announce")
        self.dragging = False
        self.rate = _stored_speed()
        self.speed.value = self.rate
        self._apply_rate()
        on(self.play, "click", lambda *a: self.toggle_play())
        on(self.mute, "click", lambda *a: self.toggle_mute())
        on(self.fullscreen, "click", lambda *a: self.toggle_fullscreen())
        on(self.speed, "change", lambda *a: self.set_speed(self.speed.value))
        on(self.quality, "change", lambda *a: self.player.choose(self.quality.value))
        on(self.captions, "click", lambda *a: self.toggle_captions())
        on(self.seek_bar, "input", self._seek_input)
        on(self.seek_bar, "change", self._seek_done)
        on(self.seek_bar, "pointerdown", lambda *a: self._drag(True))
        on(self.seek_bar, "pointerup", lambda *a: self._drag(False))
        on(self.video, "click", lambda *a: self.toggle_play() if self.player.playable() else None)
        on(self.video, "loadedmetadata", lambda *a: self._ready())
        on(self.video, "durationchange", lambda *a: self._show_time())
        on(self.video, "timeupdate", lambda *a: self._show_time())
        on(self.video, "seeked", lambda *a: self._show_time())
        on(self.video, "play", lambda *a: self._show_playing(True))
        on(self.video, "pause", lambda *a: self._show_playing(False))
        on(self.video, "volumechange", lambda *a: self._show_muted())
        on(document, "fullscreenchange", lambda *a: self._show_fullscreen())
        on(document.body, "keydown", self._key)

    def _say(self, text):
        set_text(self.announce, text)

    # ---- state shown on the controls
    def _ready(self):
        """Metadata in: the controls work from now on."""
        self._apply_rate()
        for control_id in CONTROL_IDS:
            by_id(control_id).disabled = False
        set_attr(self.bar, "data-ready", "1")
        self._show_time()

    def _show_time(self):
        duration = _number(self.video.duration)
        now = min(_number(self.video.currentTime), duration) if duration else 0.0
        total = clock(duration)
        set_text(self.time, clock(now) + " / " + total)
        set_attr(self.seek_bar, "max", str(int(duration)) if duration else "0")
        set_attr(self.seek_bar, "aria-valuetext", clock(now) + " of " + total)
        if not self.dragging:
            self.seek_bar.value = str(int(now))

    def _show_playing(self, playing):
        set_attr(self.play, "aria-label", "Pause" if playing else "Play")
        set_text(self.play_icon, "❚❚" if playing else "▶")
        set_attr(self.frame, "data-state", "playing" if playing else "paused")

    def _show_muted(self):
        set_attr(self.mute, "aria-pressed", "true" if self.video.muted else "false")

    def _show_fullscreen(self):
        full = bool(document.fullscreenElement)
        set_text(self.fullscreen, "Exit full screen" if full else "Full screen")
        set_attr(self.frame, "data-fullscreen", full)

    # ---- the seek bar
    def _drag(self, dragging):
        self.dragging = dragging

    def _seek_input(self, *args):
        self.player.seek(float(self.seek_bar.value))
        self._show_time()

    def _seek_done(self, *args):
        self.dragging = False
        self._say("At " + clock(self.video.currentTime))

    # ---- actions (buttons and keys)
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
        self._show_time()
        self._say("At " + clock(target))

    def toggle_mute(self):
        self.video.muted = not self.video.muted
        self._show_muted()
        self._say("Muted" if self.video.muted else "Sound on")

    def toggle_fullscreen(self):
        if document.fullscreenElement:
            document.exitFullscreen()
        else:
            self.frame.requestFullscreen()

    def _key(self, *args):
        event = args[0]
        if event.defaultPrevented or event.ctrlKey or event.metaKey or event.altKey:
            return
        target = event.target
        tag = str(target.tagName or "") if target else ""
        on_seek_bar = tag == "INPUT" and str(target.id or "") == SEEK_ID
        if (tag in TYPING and not on_seek_bar) or (target and target.isContentEditable):
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
            return  # the seek bar's other keys (Home, End, Page Up/Down) are its own
        event.preventDefault()
        action()
