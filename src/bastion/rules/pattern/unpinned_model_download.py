"""PAT205: Hugging Face models and files downloaded without a pinned revision."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN

_COMMIT = patterns.compile(r"^[0-9a-f]{40}$")
_AUTO_CLASSES = (
    "AutoConfig",
    "AutoFeatureExtractor",
    "AutoImageProcessor",
    "AutoModel",
    "AutoModelForCausalLM",
    "AutoModelForMaskedLM",
    "AutoModelForQuestionAnswering",
    "AutoModelForSeq2SeqLM",
    "AutoModelForSequenceClassification",
    "AutoModelForTokenClassification",
    "AutoProcessor",
    "AutoTokenizer",
)
_FROM_PRETRAINED = frozenset(f"transformers.{name}.from_pretrained" for name in _AUTO_CLASSES) | frozenset(
    f"diffusers.{name}.from_pretrained" for name in ("DiffusionPipeline", "StableDiffusionPipeline")
)
# callee -> (position of the repository id, keyword name)
_DOWNLOADS: dict[str, tuple[int, str]] = {
    "huggingface_hub.hf_hub_download": (0, "repo_id"),
    "huggingface_hub.snapshot_download": (0, "repo_id"),
    "datasets.load_dataset": (0, "path"),
    "transformers.pipeline": (1, "model"),
}


class UnpinnedModelDownload(AstRule):
    """## What it does
    Finds models, files and datasets fetched from the Hugging Face Hub without `revision=` set to a commit hash:
    `from_pretrained` on the `transformers` Auto classes and `diffusers` pipelines, `hf_hub_download`,
    `snapshot_download`, `datasets.load_dataset` and `transformers.pipeline(model=...)`. A branch or tag name
    (`revision="main"`) is reported too; local paths are not.

    ## Why is this bad?
    A repository on the Hub can be changed by its owner (or whoever takes over the account) at any time. Without
    a pinned commit, the next start of your service downloads whatever is there now: weights that carry
    pickled code, a tokenizer that runs `trust_remote_code` modules, or a dataset that was poisoned.

    ## Example
    ```python
    from transformers import AutoModel

    model = AutoModel.from_pretrained("example-org/sentiment-model")
    ```

    ## Use instead
    ```python
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        "example-org/sentiment-model", revision="5d0f2e8a1c3b4d6e7f8091a2b3c4d5e6f7081920"
    )
    ```

    ## References
    - [Hugging Face Hub: download files (revision)](https://huggingface.co/docs/huggingface_hub/guides/download)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    """

    code = "PAT205"
    slug = "unpinned-model-download"
    summary = "Hugging Face model or dataset downloaded without a pinned commit revision"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (494,)
    fix_hint = "pass revision='<40-character commit hash>' so that later changes to the repository are not loaded"
    bandit = ("B615",)
    node_types = (ast.Call,)
    callees = _FROM_PRETRAINED | frozenset(_DOWNLOADS)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        position, keyword_name = _DOWNLOADS.get(name, (0, "pretrained_model_name_or_path"))
        repository = ctx.constant(argument(node, position, keyword_name))
        if repository is UNKNOWN or not isinstance(repository, str) or repository.startswith((".", "/", "~")):
            return  # a local path, or a name we cannot see
        revision = keyword(node, "revision")
        if revision is None:
            if has_kwargs_splat(node):
                return
            yield ctx.finding(self, node, f"`{repository}` is downloaded without a pinned revision")
            return
        value = ctx.constant(revision)
        if isinstance(value, str) and not _COMMIT.match(value):
            yield ctx.finding(self, node, f"`{repository}` is pinned to `{value}`, a name that can move, not a commit")
