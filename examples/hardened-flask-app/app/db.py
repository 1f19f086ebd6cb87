"""Database helpers: every query takes its values as parameters."""

import sqlite3

from app import settings


def connect():
    connection = sqlite3.connect(settings.DATABASE)
    connection.row_factory = sqlite3.Row
    return connection


def find_books(title):
    with connect() as conn:
        return conn.execute("SELECT id, title, author FROM books WHERE title LIKE ?", (f"%{title}%",)).fetchall()


def get_user(user_id):
    with connect() as conn:
        return conn.execute("SELECT id, name, email, role FROM users WHERE id = ?", (user_id,)).fetchone()


def delete_user(user_id):
    with connect() as conn:
        conn.execute("DELETE FROM users WHERE id = ?", (user_id,))


def user_by_name(name):
    with connect() as conn:
        return conn.execute("SELECT id, name, password_hash, role FROM users WHERE name = ?", (name,)).fetchone()
