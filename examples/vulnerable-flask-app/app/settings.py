"""Configuration for the bookshelf app."""

import os

DEBUG = True
SECRET_KEY = "bookshelf-dev-key-do-not-use-" + "1234"
DATABASE = os.environ.get("BOOKSHELF_DB", "bookshelf.db")
UPLOAD_FOLDER = "/tmp/bookshelf-uploads"
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_HTTPONLY = False
JWT_SECRET = os.environ.get("JWT_SECRET", "")
CATALOGUE_URL = "https://catalogue.example.org/api"
