"""Errors the CLI reports as one short message, never as a traceback: PlannerError for a
problem with the input or the environment (exit 1), InternalError for a bug in the planner
(exit 3, with the details written to a file)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 20


class PlannerError(Exception):
    """Base of every error caused by the user's input or environment, not by a bug."""


class InternalError(Exception):
    """A bug in the planner, not a problem with the input: for example a plan that the
    independent verifier rejects. Never a PlannerError, so never reported as bad input."""


@dataclass(frozen=True)
class InputErrorItem:
    """One problem in an input file, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return ": ".join(part for part in (where, self.path, self.message) if part)


class InputError(PlannerError):
    """A problem (or several) in an input file: `file:line: field.path: what is wrong`.

    The first item's `file`, `line`, `path` and `message` are exposed as attributes so that
    callers handling a single problem need not look at `errors`.
    """

    def __init__(self, message: str = "", *, file: str | None = None, line: int | None = None,
                 path: str | None = None, errors: list[InputErrorItem] | None = None):
        self.errors: list[InputErrorItem] = list(errors) if errors else [
            InputErrorItem(message=message, file=file, line=line, path=path)]
        first = self.errors[0]
        self.message, self.file, self.line, self.path = (
            first.message, first.file, first.line, first.path)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(item) for item in self.errors[:MAX_SHOWN]]
        if len(self.errors) > MAX_SHOWN:
            lines.append(f"... and {len(self.errors) - MAX_SHOWN} more")
        return "\n".join(lines)

    def with_file(self, file: str) -> InputError:
        """The same problems, attributed to `file` where no file was known."""
        return InputError(errors=[item if item.file else InputErrorItem(
            item.message, file, item.line, item.path) for item in self.errors])
