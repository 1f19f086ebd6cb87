"""OSV online: `POST /v1/querybatch` for which advisories affect what, then `GET /v1/vulns/{id}` for each record.

The batch endpoint answers in the order of the queries, with ids and `modified` times only, and paginates a
query with many results (`next_page_token`: resend that query with `page_token`). Records come from the on-disk
cache when their `modified` matches, else one GET each, a few at a time. So a few hundred packages cost one batch
request (OSV takes up to 1,000 queries a batch) plus one request per advisory not seen before.

Each request has a timeout and is retried with exponential backoff on timeouts, connection errors, HTTP 429 and
5xx. Anything else that stops an answer (an HTTP error, a body that is not the expected JSON) is a
`ServiceUnavailable`: the audit did not run, and the caller must say so, never report "no vulnerabilities".
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bastion import __version__
from bastion.deps.advisory import ECOSYSTEM, Advisory, advisories_from_record
from bastion.deps.model import PackageVersion
from bastion.deps.services.interface import (
    DEFAULT_OSV_URL,
    DEFAULT_TIMEOUT,
    ServiceUnavailable,
    VulnerabilityService,
)
from bastion.deps.services.record_cache import RecordCache

BATCH_SIZE = 1000
_MAX_PAGES = 50
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 10.0


class OsvService(VulnerabilityService):
    def __init__(
        self,
        *,
        base_url: str = DEFAULT_OSV_URL,
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = 3,
        backoff: float = 0.5,
        cache: RecordCache | None = None,
        workers: int = 8,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.cache = cache
        self.workers = max(1, workers)
        self._transport = transport

    @property
    def description(self) -> str:
        return f"OSV ({self.base_url})"

    def query(self, packages: Sequence[PackageVersion]) -> Mapping[PackageVersion, tuple[Advisory, ...]]:
        unique = sorted(set(packages))
        if not unique:
            return {}
        with httpx.Client(
            timeout=self.timeout,
            transport=self._transport,
            headers={"User-Agent": f"bastion/{__version__}", "Accept": "application/json"},
            follow_redirects=True,
        ) as client:
            hits = self._batch(client, unique)
            wanted = {identifier: modified for found in hits for identifier, modified in found}
            records = self._records(client, wanted)
        answers: dict[PackageVersion, tuple[Advisory, ...]] = {}
        for package, found in zip(unique, hits, strict=True):
            advisories: list[Advisory] = []
            for identifier, _ in found:
                record = records.get(identifier)
                if record is not None:
                    advisories.extend(advisories_from_record(record, package=package.name))
            answers[package] = tuple(advisories)
        return answers

    # -- the batch query ----------------------------------------------------------------------------------

    def _batch(self, client: httpx.Client, packages: list[PackageVersion]) -> list[list[tuple[str, str]]]:
        hits: list[list[tuple[str, str]]] = [[] for _ in packages]
        pending: list[tuple[int, str | None]] = [(position, None) for position in range(len(packages))]
        for _ in range(_MAX_PAGES):
            if not pending:
                return hits
            next_round: list[tuple[int, str | None]] = []
            for start in range(0, len(pending), BATCH_SIZE):
                chunk = pending[start : start + BATCH_SIZE]
                queries = [_query(packages[position], token) for position, token in chunk]
                results = self._results(self._request(client, "POST", "/v1/querybatch", {"queries": queries}), chunk)
                for (position, _), result in zip(chunk, results, strict=True):
                    hits[position].extend(_vulns(result, self.description))
                    token = result.get("next_page_token")
                    if isinstance(token, str) and token:
                        next_round.append((position, token))
            pending = next_round
        raise ServiceUnavailable(f"{self.description} kept paginating after {_MAX_PAGES} pages; the audit stopped")

    def _results(self, body: Any, chunk: Sequence[object]) -> list[dict[str, Any]]:
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list) or len(results) != len(chunk):
            raise ServiceUnavailable(f"{self.description} answered the batch query with an unexpected shape")
        if not all(isinstance(result, dict) for result in results):
            raise ServiceUnavailable(f"{self.description} answered the batch query with an unexpected shape")
        return results

    # -- the records ----------------------------------------------------------------------------------------

    def _records(self, client: httpx.Client, wanted: Mapping[str, str]) -> dict[str, dict[str, Any]]:
        records: dict[str, dict[str, Any]] = {}
        missing = []
        for identifier, modified in sorted(wanted.items()):
            cached = self.cache.get(identifier, modified) if self.cache is not None and modified else None
            if cached is not None:
                records[identifier] = cached
            else:
                missing.append(identifier)
        if not missing:
            return records
        with ThreadPoolExecutor(max_workers=min(self.workers, len(missing))) as pool:
            fetched = list(pool.map(lambda identifier: self._fetch(client, identifier), missing))
        for identifier, record in zip(missing, fetched, strict=True):
            if record is None:
                continue
            records[identifier] = record
            if self.cache is not None:
                self.cache.put(identifier, record)
        return records

    def _fetch(self, client: httpx.Client, identifier: str) -> dict[str, Any] | None:
        body = self._request(client, "GET", f"/v1/vulns/{urllib.parse.quote(identifier, safe='')}", None)
        if body is None:
            return None  # withdrawn from the database between the two requests
        if not isinstance(body, dict) or body.get("id") != identifier:
            raise ServiceUnavailable(
                f"{self.description} answered for {identifier} with something that is not its record"
            )
        return body

    # -- HTTP -----------------------------------------------------------------------------------------------

    def _request(self, client: httpx.Client, method: str, path: str, payload: Any) -> Any:
        url = self.base_url + path
        problem = ""
        retry_after = 0.0
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(max(self.backoff * 2 ** (attempt - 1), retry_after))
            retry_after = 0.0
            try:
                response = client.request(method, url, json=payload)
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
                continue
            except httpx.HTTPError as error:
                problem = f"cannot connect ({_reason(error)})"
                continue
            if response.status_code == 404 and method == "GET":
                return None
            if response.status_code in _RETRY_STATUSES:
                problem = f"HTTP {response.status_code}"
                retry_after = min(_retry_after(response), _MAX_RETRY_AFTER)
                continue
            if response.status_code != 200:
                raise ServiceUnavailable(f"{self.description} refused {method} {path}: HTTP {response.status_code}")
            try:
                return response.json()
            except ValueError:
                raise ServiceUnavailable(
                    f"{self.description} answered {method} {path} with something that is not JSON"
                ) from None
        raise ServiceUnavailable(f"{self.description} could not be reached: {problem} ({self.attempts} attempts)")


def _query(package: PackageVersion, page_token: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"package": {"ecosystem": ECOSYSTEM, "name": package.name}, "version": package.version}
    if page_token is not None:
        query["page_token"] = page_token
    return query


def _vulns(result: Mapping[str, Any], description: str) -> list[tuple[str, str]]:
    vulns = result.get("vulns", [])
    if not isinstance(vulns, list):
        raise ServiceUnavailable(f"{description} answered the batch query with an unexpected shape")
    found = []
    for vuln in vulns:
        if not isinstance(vuln, dict) or not isinstance(vuln.get("id"), str):
            raise ServiceUnavailable(f"{description} answered the batch query with an unexpected shape")
        modified = vuln.get("modified")
        found.append((vuln["id"], modified if isinstance(modified, str) else ""))
    return found


def _retry_after(response: httpx.Response) -> float:
    """The server's Retry-After in seconds (the HTTP-date form is rare for APIs and read as 0)."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return 0.0


def _reason(error: httpx.HTTPError) -> str:
    text = str(error).strip()
    return text or type(error).__name__
