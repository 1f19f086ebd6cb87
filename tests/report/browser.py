"""Headless Chromium for the HTML report's tests (and the README screenshot), driven by Playwright.

The browser is Debian's `chromium` (`.ci/run` installs it); Playwright drives it through its own driver and never
downloads a browser. Chromium starts with the flags that keep it off the network (no background requests, no
component updates, no sync); Playwright gives each launch a fresh, empty profile and removes it afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Error, sync_playwright

CHROMIUM = os.environ.get("BASTION_CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
INSTALL_HINT = "install it with `apt-get install -y chromium` (.ci/run does), or point BASTION_CHROMIUM at a Chromium"


class BrowserUnavailable(RuntimeError):
    """Chromium could not be started; the message says why and how to fix it."""


@contextmanager
def chromium(executable: str = CHROMIUM) -> Iterator[Browser]:
    """A headless Chromium with a throwaway profile, closed on exit."""
    if not Path(executable).is_file():
        raise BrowserUnavailable(f"no Chromium at {executable}: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=list(FLAGS), timeout=60_000
            )
        except Error as error:
            message = str(error).strip()
            first_line = message.splitlines()[0] if message else repr(error)
            raise BrowserUnavailable(f"Chromium at {executable} did not start: {first_line}; {INSTALL_HINT}") from error
        try:
            yield browser
        finally:
            browser.close()
