"""PAT501 fixes: verification turned back on (unsafe: a server with a bad certificate now fails)."""

import aiohttp
import httpx
import requests
import urllib3

VERIFY = False


def fetch(url, flag):
    requests.get(url, verify=False, timeout=5)  # $ PAT501
    requests.post(url, verify=VERIFY, timeout=5)  # $ PAT501
    httpx.Client(verify=False)  # $ PAT501
    urllib3.PoolManager(cert_reqs="CERT_NONE")  # $ PAT501
    aiohttp.TCPConnector(ssl=False)  # $ PAT501
    session = requests.Session()
    session.verify = False  # $ PAT501
    requests.get(  # $ PAT501
        url,
        verify=False,  # the staging server has a self-signed certificate
        timeout=5,
    )
    requests.get(url, verify=not True, timeout=5)  # $ PAT501
    requests.get(url, verify="/etc/ssl/internal-ca.pem", timeout=5)  # ok
