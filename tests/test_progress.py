"""progress.py: a terminal gets a live line with rate and time left, a log gets a dozen plain lines, both a summary."""

from __future__ import annotations

import io

from reportgen.progress import BuildProgress, BuildSummary, PlainProgress, TerminalProgress, display_for


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_summary_line_is_thai_by_default_and_english_on_request():
    summary = BuildSummary(12, 988, 0, 3.44)
    assert str(summary) == summary.text() == (
        "สร้าง 12 ฉบับ ข้ามที่ไม่เปลี่ยนแปลง 988 ฉบับ ไม่สำเร็จ 0 ฉบับ ใช้เวลา 3.4 วินาที"
    )
    assert summary.text("en") == "built 12, skipped 988 unchanged, failed 0, 3.4 s"


def test_plain_progress_speaks_thai_by_default():
    stream, clock = io.StringIO(), Clock()
    progress = PlainProgress(stream, clock=clock)
    progress.started(to_render=1000, unchanged=24, jobs=1)
    for _ in range(100):
        clock.now += 0.1
        progress.rendered("2564/08")
    progress.finished(BuildSummary(1000, 24, 0, 100.0))
    lines = stream.getvalue().splitlines()
    assert lines == [
        "กำลังสร้างแบบรายงาน 1000 ฉบับ (ไม่เปลี่ยนแปลง 24 ฉบับ) ด้วย 1 กระบวนการ",
        "สร้างแล้ว 100/1000 (10%) 10.0 ฉบับ/วินาที เหลืออีก 1 นาที 30 วินาที",
        "สร้าง 1000 ฉบับ ข้ามที่ไม่เปลี่ยนแปลง 24 ฉบับ ไม่สำเร็จ 0 ฉบับ ใช้เวลา 100.0 วินาที",
    ]


def test_plain_progress_prints_one_line_per_tenth_with_rate_and_time_left():
    stream, clock = io.StringIO(), Clock()
    progress = PlainProgress(stream, clock=clock, lang="en")
    progress.started(to_render=1000, unchanged=24, jobs=2)
    for _ in range(1000):
        clock.now += 0.1
        progress.rendered("2564/08")
    progress.finished(BuildSummary(1000, 24, 0, 100.0))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "rendering 1000 forms (24 unchanged) with 2 processes"
    assert len(lines) == 1 + 10 + 1
    assert lines[1] == "rendered 100/1000 (10%), 10.0 forms/s, 1 min 30 s left"
    assert lines[10] == "rendered 1000/1000 (100%), 10.0 forms/s"
    assert lines[-1] == "built 1000, skipped 24 unchanged, failed 0, 100.0 s"


def test_plain_progress_of_a_few_forms_prints_each_once_and_nothing_when_all_are_unchanged():
    stream = io.StringIO()
    progress = PlainProgress(stream, clock=Clock(), lang="en")
    progress.started(to_render=3, unchanged=0, jobs=1)
    for _ in range(3):
        progress.rendered("x")
    assert [line.split(" (")[0] for line in stream.getvalue().splitlines()[1:]] == [
        "rendered 1/3", "rendered 2/3", "rendered 3/3"]
    quiet = io.StringIO()
    unchanged = PlainProgress(quiet, clock=Clock(), lang="en")
    unchanged.started(to_render=0, unchanged=5, jobs=2)
    unchanged.finished(BuildSummary(0, 5, 0, 0.2))
    assert quiet.getvalue() == "built 0, skipped 5 unchanged, failed 0, 0.2 s\n"


def test_terminal_progress_redraws_one_line_at_most_ten_times_a_second_then_the_summary():
    stream, clock = Tty(), Clock()
    progress = TerminalProgress(stream, clock=clock, lang="en")
    progress.started(to_render=100, unchanged=0, jobs=2)
    for _ in range(100):
        clock.now += 0.02
        progress.rendered("x")
    progress.finished(BuildSummary(100, 0, 0, 2.0))
    text = stream.getvalue()
    redraws = text.count("\r\x1b[K")
    assert 10 <= redraws <= 2 + 100 * 0.02 / TerminalProgress.INTERVAL + 1
    assert "100/100 forms · 50.0/s" in text
    assert "\n" not in text[: text.rindex("\r\x1b[K")]  # one line, redrawn in place
    assert text.endswith("\r\x1b[Kbuilt 100, skipped 0 unchanged, failed 0, 2.0 s\n")


def test_the_display_follows_the_stream():
    assert isinstance(display_for(Tty()), TerminalProgress)
    assert isinstance(display_for(io.StringIO()), PlainProgress)
    assert display_for(io.StringIO(), lang="en").lang == "en" and display_for(Tty()).lang == "th"
    quiet = display_for(Tty(), quiet=True)
    assert type(quiet) is BuildProgress


def test_the_terminal_line_speaks_thai_by_default():
    stream, clock = Tty(), Clock()
    progress = TerminalProgress(stream, clock=clock)
    progress.started(to_render=4, unchanged=0, jobs=2)
    for _ in range(2):
        clock.now += 0.5
        progress.rendered("x")
    assert stream.getvalue().endswith("2/4 ฉบับ · 2.0/วินาที · เหลือ 1 วินาที")
