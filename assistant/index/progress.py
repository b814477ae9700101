"""What a long build tells the person waiting for it: one Chinese line per stage (converting the
model, reading documents, embedding, writing the index) and, while embedding, the count n/N as a
progress bar. The build reports to a ``Progress``; the terminal (``ConsoleProgress``), the web
page's 正在建立索引 notice and the admin tab's progress bar each read what they need from it."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO

BAR_WIDTH = 30
# Without a terminal (a log file, systemd) a bar redrawn in place is noise: a line per quarter.
LOG_STEPS = 4


class Progress(Protocol):
    def stage(self, text: str) -> None:
        """A new stage began; ``text`` is one Chinese line (ending in … while it runs)."""

    def advance(self, done: int, total: int) -> None:
        """``done`` of ``total`` units of the current stage are finished."""


class SilentProgress:
    def stage(self, text: str) -> None:
        return None

    def advance(self, done: int, total: int) -> None:
        return None


class ConsoleProgress:
    """Stage lines on ``stream`` (stderr); the count as a bar redrawn in place on a terminal, or
    as a few plain lines in a log."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar_open = False
        self._logged_step = -1

    def _close_bar(self) -> None:
        if self._bar_open:
            self.stream.write("\n")
            self._bar_open = False

    def stage(self, text: str) -> None:
        self._close_bar()
        self._logged_step = -1
        self.stream.write(text + "\n")
        self.stream.flush()

    def advance(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self._tty:
            filled = BAR_WIDTH * done // total
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            self.stream.write(f"\r  {bar} {done}/{total}（{100 * done // total}%）")
            self._bar_open = done < total
            if done >= total:
                self.stream.write("\n")
        else:
            step = LOG_STEPS * done // total
            if step == self._logged_step:
                return
            self._logged_step = step
            self.stream.write(f"  {done}/{total}（{100 * done // total}%）\n")
        self.stream.flush()


class TeeProgress:
    """Report to several listeners (the terminal and the page, say)."""

    def __init__(self, *targets: Progress) -> None:
        self.targets = targets

    def stage(self, text: str) -> None:
        for t in self.targets:
            t.stage(text)

    def advance(self, done: int, total: int) -> None:
        for t in self.targets:
            t.advance(done, total)


def as_progress(progress: bool | Progress) -> Progress:
    """``True``: the console; ``False``: nothing; a ``Progress``: itself."""
    if progress is True:
        return ConsoleProgress()
    if progress is False:
        return SilentProgress()
    return progress
