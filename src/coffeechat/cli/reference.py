"""The README's command reference, generated from the commands' own `--help`.

    python -m coffeechat.cli.reference --write README.md   # regenerate the marked section
    python -m coffeechat.cli.reference --check README.md   # exit 1 when it is out of date

The help is rendered at a fixed width without colour, so the text is the same on every
machine; a test compares it with the README, so the docs cannot drift from the code.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer import rich_utils
from typer.main import get_command
from typer.testing import CliRunner

from coffeechat.cli.app import app

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
WIDTH = 88
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def command_paths() -> Iterator[list[str]]:
    """The top level, then every command (not the groups), in the order `--help` lists them."""

    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        subcommands = getattr(command, "commands", {})
        if not subcommands or not path:
            yield path
        # Commands in a named help panel (manage, under "Django") come after the main ones.
        ordered = sorted(
            subcommands.items(), key=lambda item: getattr(item[1], "rich_help_panel", None) or ""
        )
        for name, sub in ordered:
            if not sub.hidden:
                yield from walk(sub, [*path, name])

    yield from walk(get_command(app), [])


def help_text(path: list[str]) -> str:
    """`coffeechat PATH --help` exactly as a terminal WIDTH columns wide shows it, uncoloured."""
    saved = (rich_utils.MAX_WIDTH, rich_utils.COLOR_SYSTEM, rich_utils.FORCE_TERMINAL)
    rich_utils.MAX_WIDTH, rich_utils.COLOR_SYSTEM, rich_utils.FORCE_TERMINAL = WIDTH, None, False
    try:
        result = CliRunner().invoke(app, [*path, "--help"], prog_name="coffeechat")
    finally:
        rich_utils.MAX_WIDTH, rich_utils.COLOR_SYSTEM, rich_utils.FORCE_TERMINAL = saved
    if result.exit_code != 0:
        raise RuntimeError(f"coffeechat {' '.join(path)} --help failed: {result.output}")
    lines = [line.rstrip() for line in _ANSI.sub("", result.stdout).splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def render_reference() -> str:
    """The markdown between the README's markers: each command's usage and help."""
    parts = [
        "<!-- Generated from the commands' --help by "
        "`python -m coffeechat.cli.reference --write README.md`: edit the help, not this. -->"
    ]
    for path in command_paths():
        name = " ".join(["coffeechat", *path])
        parts.append(f"### `{name}`\n\n```text\n{help_text(path)}\n```")
    return "\n\n".join(parts) + "\n"


def readme_section(text: str) -> str | None:
    """What the README holds between the markers now (None when the markers are missing)."""
    start, end = text.find(START), text.find(END)
    if start == -1 or end == -1 or end < start:
        return None
    return text[start + len(START) : end].strip("\n") + "\n"


def readme_with_reference(text: str) -> str:
    start, end = text.find(START), text.find(END)
    if start == -1 or end == -1 or end < start:
        raise ValueError(f"the README has no {START} … {END} markers")
    return text[: start + len(START)] + "\n" + render_reference() + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coffeechat.cli.reference",
        description="Write or check the README's command reference.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="README", type=Path, help="regenerate the section")
    action.add_argument("--check", metavar="README", type=Path, help="fail if out of date")
    args = parser.parse_args(argv)
    path: Path = args.write or args.check
    if not path.exists() and args.write:
        path.write_text(f"## Command-line reference\n\n{START}\n{END}\n", encoding="utf-8")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        parser.error(f"cannot read {path}: {exc.strerror}")
    if readme_section(text) is None:
        parser.error(f"{path} has no {START} … {END} markers: add them where the reference goes")
    if args.check:
        if readme_section(text) != render_reference():
            print(f"{path}: the command reference is out of date; run with --write")
            return 1
        return 0
    updated = readme_with_reference(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"Updated the command reference in {path}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
