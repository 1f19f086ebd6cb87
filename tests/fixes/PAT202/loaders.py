"""PAT202 fixes: PyYAML's own loaders become yaml.safe_load; custom loaders are left to a human."""

import yaml
from yaml import load as load_yaml


class ConfigLoader(yaml.SafeLoader):
    pass


def no_loader(text):
    return yaml.load(text)  # $ PAT202


def stock_loader(text):
    return yaml.load(text, Loader=yaml.Loader)  # $ PAT202


def positional_loader(text):
    return yaml.load(text, yaml.FullLoader)  # $ PAT202


def every_document(stream):
    return list(yaml.load_all(stream, Loader=yaml.UnsafeLoader))  # $ PAT202


def full_load(text):
    return yaml.full_load(text)  # $ PAT202


def imported_function(text):
    return load_yaml(text)  # $ PAT202


def multiline(stream):
    return yaml.load(  # $ PAT202
        stream,
        Loader=yaml.CLoader,  # the C loader, for speed
    )


def own_loader(text):
    # A loader of our own may construct tags SafeLoader does not know: no fix.
    return yaml.load(text, Loader=ConfigLoader)  # $ PAT202


def unknown_loader(text, loader):
    return yaml.load(text, Loader=loader)  # $ PAT202


def options(text, **kwargs):
    return yaml.unsafe_load(text, **kwargs)  # $ PAT202


def already_safe(text):
    return yaml.safe_load(text)  # ok
