"""PAT507 fixes: requests without a timeout get the configured one."""

import urllib.request

import requests
from requests import post


def fetch(url, data, options, args):
    requests.get(url)  # $ PAT507
    post(url, data=data)  # $ PAT507
    session = requests.Session()
    session.get(url)  # $ PAT507
    urllib.request.urlopen(url)  # $ PAT507
    requests.get(  # $ PAT507
        url,
        headers={"Accept": "application/json"},
    )
    requests.get(*args)  # $ PAT507
    requests.get(url, timeout=5)  # ok
