"""Database helpers."""

import sqlite3

from app import settings


def connect():
    return sqlite3.connect(settings.DATABASE)


def find_books(title):
    conn = connect()
    cursor = conn.cursor()
    query = "SELECT id, title, author FROM books WHERE title LIKE '%" + title + "%'"
    cursor.execute(query)
    return cursor.fetchall()


def find_book_safely(title):
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("SELECT id, title, author FROM books WHERE title LIKE ?", (f"%{title}%",))
    return cursor.fetchall()


def get_user(user_id):
    conn = connect()
    row = conn.execute("SELECT id, name, email, role FROM users WHERE id = ?", (user_id,)).fetchone()
    return row


def delete_user(user_id):
    conn = connect()
    conn.execute(f"DELETE FROM users WHERE id = {user_id}")
    conn.commit()


def user_by_name(name):
    conn = connect()
    return conn.execute("SELECT id, name, password_hash, role FROM users WHERE name = ?", (name,)).fetchone()
