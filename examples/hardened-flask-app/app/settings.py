"""Production configuration. Secrets come from the environment; the app refuses to start without them."""

import os

DEBUG = False
TESTING = False
SECRET_KEY = os.environ["BOOKSHELF_SECRET_KEY"]
JWT_SECRET = os.environ["BOOKSHELF_JWT_SECRET"]
DATABASE = os.environ.get("BOOKSHELF_DB", "/srv/bookshelf/data/bookshelf.db")
UPLOAD_FOLDER = os.environ.get("BOOKSHELF_UPLOADS", "/srv/bookshelf/uploads")
ALLOWED_COVER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
TRUSTED_HOSTS = ["bookshelf.example.org"]
PREFERRED_URL_SCHEME = "https"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 3600
RATELIMIT_STORAGE_URI = os.environ.get("BOOKSHELF_RATELIMIT_STORAGE", "memory://")
CATALOGUE_URL = "https://catalogue.example.org/api"
