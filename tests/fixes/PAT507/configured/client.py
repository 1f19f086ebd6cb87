"""The timeout a fix writes comes from [tool.bastion.fix] http-timeout."""

import requests


def fetch(url):
    return requests.get(url)  # $ PAT507
