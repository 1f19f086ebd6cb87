"""Parse every manifest and lock file in the per-file workers; the facts are `Manifest` values."""

from __future__ import annotations

from bastion.deps.model import Manifest
from bastion.deps.sources import parse_manifest, source_for
from bastion.rules.base import FactCollector
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class ManifestCollector(FactCollector):
    name = "deps.manifests"
    fact_types = (Manifest,)

    def wants_text(self, file: SourceFile) -> bool:
        return source_for(file.rel) is not None

    def collect_text(self, document: TextDocument) -> Manifest | None:
        return parse_manifest(document.rel, document.text)
