"""The confusion map (issue 15 item 7): "I'm lost here" taps per lesson second.

A tap is confusion/$cid/$lid/$bucket/$uid = the server's time, $bucket the video second
divided by CONFUSION_BUCKET_S; the rules (rules/office_hours_rules.py) take it once per
member per bucket and only within the lesson. Staff read a course's taps; heat() folds
them with the questions' videoSecond into one count per bucket.
"""

from app.model import limits, paths


def bucket_of(second):
    """The bucket a video second falls in (a whole number, as its key is spelt)."""
    return int(max(0, second) // limits.CONFUSION_BUCKET_S)


def bucket_words(bucket):
    """'1:20-1:30': the bucket's stretch of the video."""
    start = bucket * limits.CONFUSION_BUCKET_S
    return _clock(start) + "–" + _clock(start + limits.CONFUSION_BUCKET_S)


def _clock(seconds):
    seconds = int(seconds)
    return str(seconds // 60) + ":" + ("0" + str(seconds % 60))[-2:]


def tap(course_id, lesson_id, uid, second, on_done, on_error):
    """Mark the user lost at second; on_done(bucket)."""
    from app.services import database  # the browser's SDK: the arithmetic runs anywhere

    bucket = bucket_of(second)
    path = paths.confusion_tap(course_id, lesson_id, str(bucket), uid)
    database.set_value(path, database.SERVER_TIME, lambda: on_done(bucket), on_error)
    return bucket


def heat(taps, questions):
    """{bucket: (taps, questions)} from a lesson's taps ({bucket: {uid: at}}) and its
    questions ({qid: question}, those with a videoSecond count)."""
    out = {}
    if isinstance(taps, list):  # keys 0, 1, 2...: the SDK hands such a node over as an array
        taps = {str(i): taps[i] for i in range(len(taps)) if taps[i]}
    for key in taps or {}:
        try:
            bucket = int(key)
        except ValueError:
            continue
        out[bucket] = (len(taps[key] or {}), 0)
    for qid in questions or {}:
        second = (questions[qid] or {}).get("videoSecond")
        if second is None or (questions[qid] or {}).get("hidden") is True:
            continue
        bucket = bucket_of(second)
        lost, asked = out.get(bucket, (0, 0))
        out[bucket] = (lost, asked + 1)
    return out


def hottest(heat_map, count=3):
    """The count hottest buckets, hottest first (ties: earlier first)."""
    ranked = sorted(heat_map, key=lambda b: (-(heat_map[b][0] + heat_map[b][1]), b))
    return ranked[:count]
