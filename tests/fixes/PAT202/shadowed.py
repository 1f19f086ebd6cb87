"""`yaml` and `safe_load` name something else here: no way to write the fix."""

from ruamel import yaml as ruamel_yaml
from yaml import unsafe_load


def read(text, safe_load, yaml=ruamel_yaml):
    return unsafe_load(text)  # $ PAT202
