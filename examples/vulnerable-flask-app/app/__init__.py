"""Bookshelf: a small library-lending web app (deliberately vulnerable)."""
