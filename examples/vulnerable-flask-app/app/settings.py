"""Configuration for the bookshelf app."""

import os

DEBUG = True  # flaw: debug on in production settings
SECRET_KEY = "bookshelf-dev-key-do-not-use-" + "1234"  # $ SEC202
DATABASE = os.environ.get("BOOKSHELF_DB", "bookshelf.db")
UPLOAD_FOLDER = "/tmp/bookshelf-uploads"  # flaw: hard-coded /tmp path
SESSION_COOKIE_SECURE = False  # flaw: session cookie sent over plain HTTP
SESSION_COOKIE_HTTPONLY = False  # flaw: session cookie readable from JavaScript
JWT_SECRET = os.environ.get("JWT_SECRET", "")
CATALOGUE_URL = "https://catalogue.example.org/api"
