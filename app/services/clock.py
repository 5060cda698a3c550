"""Milliseconds since the epoch from an ISO timestamp (plain Python, no browser imports).

JavaScript numbers as large as Date.now() do not cross MicroPython's FFI intact (they
arrive cut to 32 bits), so the service layer reads the time as new Date()'s ISO string.
"""


def days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= 1 if month <= 2 else 0
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def epoch_ms(iso):
    """ "2026-12-01T22:59:12.345Z" (JavaScript's toISOString form) -> epoch milliseconds."""
    days = days_from_civil(int(iso[0:4]), int(iso[5:7]), int(iso[8:10]))
    hours, minutes, seconds = int(iso[11:13]), int(iso[14:16]), int(iso[17:19])
    millis = int(iso[20:23]) if len(iso) > 20 and iso[19] == "." else 0
    return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + millis
