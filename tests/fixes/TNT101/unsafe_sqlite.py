"""TNT101 fixes: SQL text built from request data becomes a parameterised query (sqlite3: `?`)."""

import sqlite3

from flask import Flask, request

app = Flask(__name__)


def connect():
    return sqlite3.connect("books.db")


@app.route("/books")
def books():
    title = request.args["title"]
    cursor = connect().cursor()
    query = "SELECT id, title FROM books WHERE title LIKE '%" + title + "%'"
    cursor.execute(query)  # $ TNT101
    return str(cursor.fetchall())


@app.route("/books/<book_id>", methods=["DELETE"])
def delete(book_id):
    conn = connect()
    conn.execute(f"DELETE FROM books WHERE id = {book_id}")  # $ TNT101
    return ""


@app.route("/search")
def search():
    author = request.args["author"]
    year = request.args["year"]
    conn = connect()
    rows = conn.execute(  # $ TNT101
        """SELECT title FROM books
        WHERE author = '%s' AND year >= %s""" % (author, year)
    )
    return str(rows.fetchall())


@app.route("/sorted")
def sorted_books():
    column = request.args["sort"]
    conn = connect()
    # A column name cannot be a parameter: no fix.
    return str(conn.execute(f"SELECT title FROM books ORDER BY {column}").fetchall())  # $ TNT101


@app.route("/safe")
def safe():
    title = request.args["title"]
    return str(connect().execute("SELECT id FROM books WHERE title = ?", (title,)).fetchall())  # ok
