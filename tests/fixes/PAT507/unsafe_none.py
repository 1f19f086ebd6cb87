"""An explicit timeout=None was chosen by someone: replacing it is unsafe."""

import httpx
import requests


def fetch(url):
    requests.get(url, timeout=None)  # $ PAT507
    return httpx.Client(timeout=None)  # $ PAT507
