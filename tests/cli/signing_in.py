"""Running a command as a kcsac user signed in with a password (--user LOGIN
--password-stdin), the way a script would, in-process."""

import sys


class PasswordLines:
    """Standard input that holds the same password on every line (each run reads one)."""

    def __init__(self, *lines: str) -> None:
        self._lines = list(lines)

    def readline(self) -> str:
        return (self._lines.pop(0) if len(self._lines) > 1 else self._lines[0]) + "\n"

    def isatty(self) -> bool:
        return False


def as_user(monkeypatch, login: str, *passwords: str) -> list[str]:
    """The options that sign in as `login`; standard input gives `passwords` in turn (the
    last one again and again)."""
    monkeypatch.setattr(sys, "stdin", PasswordLines(*passwords))
    return ["--user", login, "--password-stdin"]


def stdin_lines(monkeypatch, *lines: str) -> None:
    """Standard input holding `lines` once each, then the end of input."""
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
