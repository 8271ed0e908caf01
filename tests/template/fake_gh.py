"""A stand-in for the GitHub CLI, for the update bot's tests (tests/test_update_bot.py).

It records every call in ``$FAKE_GH_LOG`` (a JSON line: the arguments, the
working directory and whether ``GH_TOKEN`` was set) and keeps the repository's
pull requests in ``$FAKE_GH_STATE``, a JSON list. It answers the calls the bot
makes, today's and those of the workflow before it (so that a test can show it
fails the old workflow); anything else exits 1 and fails the step.

Like the real ``gh pr create``, it runs ``git status`` in its working directory:
code that the update planted in a checkout's git config runs if gh is called
there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

VALUE_OPTIONS = {
    "--base",
    "--body",
    "--body-file",
    "--head",
    "--jq",
    "--json",
    "--limit",
    "--repo",
    "--state",
    "--title",
}
# `gh pr list --state` -> the states it lists.
STATES = {
    "open": {"OPEN"},
    "closed": {"CLOSED", "MERGED"},
    "merged": {"MERGED"},
    "all": {"OPEN", "CLOSED", "MERGED"},
}


def fail(message: str) -> None:
    print(f"fake gh: {message}", file=sys.stderr)
    sys.exit(1)


def parse(arguments: list[str]) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    options: dict[str, str] = {}
    words = iter(arguments)
    for word in words:
        if word in VALUE_OPTIONS:
            options[word] = next(words)
        elif word.startswith("-"):
            fail(f"unknown option {word}")
        else:
            positional.append(word)
    return positional, options


def output(value: object, options: dict[str, str]) -> None:
    """Print ``value`` as JSON, filtered like ``--jq`` (gh prints strings raw)."""
    text = json.dumps(value)
    if "--jq" in options:
        jq = shutil.which("jq")
        if jq is None:
            fail("--jq needs jq on the PATH")
        text = subprocess.run(
            [str(jq), "-r", options["--jq"]],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.rstrip("\n")
    print(text)


def fields(pull_request: dict[str, Any], options: dict[str, str]) -> dict[str, Any]:
    return {name: pull_request[name] for name in options["--json"].split(",")}


def main(arguments: list[str]) -> None:
    state = Path(os.environ["FAKE_GH_STATE"])
    with Path(os.environ["FAKE_GH_LOG"]).open("a", encoding="utf-8") as log:
        log.write(
            json.dumps(
                {
                    "args": arguments,
                    "cwd": os.getcwd(),
                    "token": bool(os.environ.get("GH_TOKEN")),
                }
            )
            + "\n"
        )
    pulls: list[dict[str, Any]] = (
        json.loads(state.read_text(encoding="utf-8")) if state.exists() else []
    )
    positional, options = parse(arguments)
    if (
        options.get("--repo", os.environ["GITHUB_REPOSITORY"])
        != os.environ["GITHUB_REPOSITORY"]
    ):
        fail(f"no repository {options['--repo']}")
    command = positional[:2]

    if command == ["auth", "setup-git"]:
        return
    if command == ["pr", "list"]:
        states = STATES[options.get("--state", "open")]
        output(
            [
                fields(pull, options)
                for pull in reversed(pulls)  # newest first, as GitHub lists them
                if pull["state"] in states
                and options.get("--head", pull["headRefName"]) == pull["headRefName"]
            ],
            options,
        )
        return
    if command == ["pr", "view"]:
        # An open pull request from the branch if there is one, else the newest.
        found = sorted(
            (pull for pull in pulls if pull["headRefName"] == positional[2]),
            key=lambda pull: (pull["state"] == "OPEN", pull["number"]),
        )
        if not found:
            fail(f"no pull requests found for branch {positional[2]!r}")
        output(fields(found[-1], options), options)
        return
    if command == ["pr", "create"]:
        subprocess.run(["git", "status", "--porcelain"], capture_output=True)
        head = options["--head"]
        exists = subprocess.run(
            [
                "git",
                "--git-dir",
                os.environ["FAKE_GH_REMOTE"],
                "rev-parse",
                "--verify",
                "--quiet",
                f"refs/heads/{head}",
            ],
            capture_output=True,
        )
        if exists.returncode:
            fail(f"Head ref {head!r} does not exist")
        body = (
            Path(options["--body-file"]).read_text(encoding="utf-8")
            if "--body-file" in options
            else options["--body"]
        )
        number = len(pulls) + 1
        pulls.append(
            {
                "number": number,
                "headRefName": head,
                "title": options["--title"],
                "body": body,
                "state": "OPEN",
            }
        )
        print(f"https://github.com/{os.environ['GITHUB_REPOSITORY']}/pull/{number}")
    elif command == ["pr", "edit"]:
        (pull,) = [
            p
            for p in pulls
            if p["headRefName"] == positional[2] and p["state"] == "OPEN"
        ]
        pull["body"] = options["--body"]
    else:
        fail(f"unknown command {' '.join(arguments)}")
    state.write_text(json.dumps(pulls, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
