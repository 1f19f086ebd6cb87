"""Configuration for the bookshelf app."""

import os

DEBUG = True  # $ CFG101
SECRET_KEY = "bookshelf-dev-key-do-not-use-" + "1234"  # $ SEC202
DATABASE = os.environ.get("BOOKSHELF_DB", "bookshelf.db")
UPLOAD_FOLDER = "/tmp/bookshelf-uploads"  # $ PAT807
SESSION_COOKIE_SECURE = False  # $ CFG205
SESSION_COOKIE_HTTPONLY = False  # $ CFG205
JWT_SECRET = os.environ.get("JWT_SECRET", "")
CATALOGUE_URL = "https://catalogue.example.org/api"
