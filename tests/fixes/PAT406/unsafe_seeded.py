"""A module that seeds `random` may rely on the sequence: the fix is unsafe there."""

import random

random.seed(1234)


def reset_token():
    return "".join(random.choice("abcdef0123456789") for _ in range(32))  # $ PAT406


def token_with_instance():
    rng = random.Random()
    return rng.choice("abcdef")  # $ PAT406
