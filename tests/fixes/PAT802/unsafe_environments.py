"""PAT802 fixes: escaping by file type (unsafe: markup built on purpose now shows as text)."""

import jinja2
from jinja2 import Environment, FileSystemLoader


def pages():
    return Environment(loader=FileSystemLoader("templates"))  # $ PAT802


def emails():
    return jinja2.Environment(loader=jinja2.PackageLoader("app"), autoescape=False)  # $ PAT802


def computed(settings):
    return Environment(autoescape=settings.ESCAPE)  # ok: not known to be off


def options(extra):
    return Environment(**extra)  # ok: autoescape may be in there


def escaped():
    return Environment(autoescape=jinja2.select_autoescape())  # ok
