"""Configuration for the bookshelf app."""

import os

DEBUG = True  # flaw: debug on in production settings
SECRET_KEY = "bookshelf-dev-key-do-not-use-" + "1234"  # flaw: SECRET_KEY literal
DATABASE = os.environ.get("BOOKSHELF_DB", "bookshelf.db")
UPLOAD_FOLDER = "/tmp/bookshelf-uploads"  # $ PAT807
SESSION_COOKIE_SECURE = False  # flaw: session cookie sent over plain HTTP
SESSION_COOKIE_HTTPONLY = False  # flaw: session cookie readable from JavaScript
JWT_SECRET = os.environ.get("JWT_SECRET", "")
CATALOGUE_URL = "https://catalogue.example.org/api"
