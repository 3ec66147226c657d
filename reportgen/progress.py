"""A build's progress events → what the person or the CI log watching it sees.

The build (library code) reports through a ``BuildProgress`` object and never prints: ``started`` once it knows
how many forms it must render and how many it takes unchanged from the cache, ``rendered`` after each form,
``finished`` with the ``BuildSummary`` (also when it fails). The default object ignores everything.

The command line picks a display for its standard error (``display_for``): on a terminal, one line redrawn in
place with a bar, the rate and the time left (a few lines of ANSI, no library needed); elsewhere (CI logs, pipes)
plain lines, one at each tenth of the work, so a log of a 1000-form build has a dozen lines, not a thousand. Both
end with the summary line, e.g. ``สร้าง 12 ฉบับ ข้ามที่ไม่เปลี่ยนแปลง 988 ฉบับ ไม่สำเร็จ 0 ฉบับ ใช้เวลา 3.4 วินาที``
(``built 12, skipped 988 unchanged, failed 0, 3.4 s`` in English), in the language the display is made for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from reportgen import wording


@dataclass(frozen=True)
class BuildSummary:
    """What a build did with its forms, and how long the whole build took."""

    built: int
    unchanged: int
    failed: int
    seconds: float

    def text(self, lang: str = "th") -> str:
        """The summary line in ``lang``."""
        return wording.message("build_summary", lang, **vars(self))

    def __str__(self) -> str:
        return self.text("th")


class BuildProgress:
    """Receives a build's progress; this base ignores it. Subclass and override what you need."""

    def started(self, *, to_render: int, unchanged: int, jobs: int) -> None:
        """Known before the first form is rendered: how many will be, how many come from the cache, in how many
        processes."""

    def rendered(self, slug: str) -> None:
        """One more form rendered (``slug`` is e.g. ``2564/08``)."""

    def finished(self, summary: BuildSummary) -> None:
        """The build is over (written, or failed)."""


def _duration(seconds: float, lang: str = "th") -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return wording.message("duration_seconds", lang, seconds=seconds)
    minutes, seconds = divmod(seconds, 60)
    return wording.message("duration_minutes", lang, minutes=minutes, seconds=seconds)


class _Counting(BuildProgress):
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, lang: str = "th"):
        self.stream = stream
        self.clock = clock
        self.lang = lang
        self.total = 0
        self.done = 0
        self.start = clock()

    def started(self, *, to_render: int, unchanged: int, jobs: int) -> None:
        self.total, self.done, self.start = to_render, 0, self.clock()

    def _rate_and_eta(self) -> tuple[float, float | None]:
        elapsed = max(self.clock() - self.start, 1e-6)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else None
        return rate, eta


class PlainProgress(_Counting):
    """Plain lines for logs: what will happen, a line at each tenth of the forms rendered, then the summary."""

    def __init__(
        self, stream: TextIO, steps: int = 10, clock: Callable[[], float] = time.monotonic, lang: str = "th"
    ):
        super().__init__(stream, clock, lang)
        self.steps = steps
        self._next_step = 1

    def started(self, *, to_render: int, unchanged: int, jobs: int) -> None:
        super().started(to_render=to_render, unchanged=unchanged, jobs=jobs)
        self._next_step = 1
        if to_render:
            line = wording.plural("progress_started", jobs, self.lang, to_render=to_render, unchanged=unchanged)
            print(line, file=self.stream, flush=True)

    def rendered(self, slug: str) -> None:
        self.done += 1
        if self.total and self.done * self.steps >= self._next_step * self.total:
            while self._next_step * self.total <= self.done * self.steps:
                self._next_step += 1
            rate, eta = self._rate_and_eta()
            left = ""
            if eta is not None and self.done < self.total:
                left = wording.message("progress_left", self.lang, duration=_duration(eta, self.lang))
            line = wording.message(
                "progress_rendered", self.lang, done=self.done, total=self.total,
                percent=self.done * 100 // self.total, rate=f"{rate:.1f}", left=left,
            )  # fmt: skip
            print(line, file=self.stream, flush=True)

    def finished(self, summary: BuildSummary) -> None:
        print(summary.text(self.lang), file=self.stream, flush=True)


class TerminalProgress(_Counting):
    """One line redrawn in place: a bar, forms done of total, rate and time left; then the summary."""

    WIDTH = 30
    INTERVAL = 0.1  # seconds between redraws: a terminal need not be redrawn for each of 1000 forms

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, lang: str = "th"):
        super().__init__(stream, clock, lang)
        self._drawn_at: float | None = None

    def rendered(self, slug: str) -> None:
        self.done += 1
        now = self.clock()
        if self.done == self.total or self._drawn_at is None or now - self._drawn_at >= self.INTERVAL:
            self._drawn_at = now
            self._draw()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        rate, eta = self._rate_and_eta()
        left = ""
        if eta is not None and self.done < self.total:
            left = wording.message("progress_bar_left", self.lang, duration=_duration(eta, self.lang))
        counts = wording.message(
            "progress_bar", self.lang, done=self.done, total=self.total, rate=f"{rate:.1f}", left=left
        )
        self.stream.write(f"\r\x1b[K{bar} {counts}")
        self.stream.flush()

    def finished(self, summary: BuildSummary) -> None:
        if self._drawn_at is not None:
            self.stream.write("\r\x1b[K")
        print(summary.text(self.lang), file=self.stream, flush=True)


def display_for(stream: TextIO, *, quiet: bool = False, lang: str = "th") -> BuildProgress:
    """The display the command line uses: nothing when quiet, a live line on a terminal, plain lines elsewhere,
    worded in ``lang``."""
    if quiet:
        return BuildProgress()
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return TerminalProgress(stream, lang=lang)
    return PlainProgress(stream, lang=lang)
