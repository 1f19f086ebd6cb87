"""Only `from yaml import ...`: the fix extends that import."""

from yaml import Loader, load


def read(text):
    return load(text, Loader=Loader)  # $ PAT202
