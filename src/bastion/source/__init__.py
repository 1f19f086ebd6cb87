"""Finding files, reading and decoding them, parsing Python, reading suppression comments."""
