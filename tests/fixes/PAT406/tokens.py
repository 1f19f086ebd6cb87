"""PAT406 fixes: values that become secrets are drawn from `secrets`."""

import random
import string
from random import choice, randint

ALPHABET = string.ascii_letters + string.digits


def reset_token():
    return "".join(random.choice(ALPHABET) for _ in range(32))  # $ PAT406


def api_key():
    return "".join(choice(ALPHABET) for _ in range(40))  # $ PAT406


def session_id():
    return random.getrandbits(128)  # $ PAT406


def verification_code():
    return str(random.randint(100000, 999999))  # $ PAT406


def otp_digit():
    return random.randint(0, 9)  # $ PAT406


def pin(length):
    return random.randrange(10**length)  # $ PAT406


def password(length):
    return "".join(random.sample(ALPHABET, length))  # $ PAT406


def salt(low, high):
    salt = randint(low, high)  # $ PAT406
    return salt


def nonce(generator):
    return generator.choice(ALPHABET)  # ok: not the random module


def shuffled_quiz(questions):
    random.shuffle(questions)  # ok: not a secret
    return questions


def recovery_code():
    return random.randint(1000, 9999) * 10  # $ PAT406
