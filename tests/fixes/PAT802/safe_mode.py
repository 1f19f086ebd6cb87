"""Without --unsafe-fixes, an unsafe fix is shown (in the reports) but never applied."""

from jinja2 import Environment


def build():
    return Environment(autoescape=False)  # $ PAT802
