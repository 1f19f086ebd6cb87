import sqlite3
import subprocess

from flask import request


def connection():
    return sqlite3.connect("inventory.db")


def find_item(sku, fields=None):  # $ source=remote
    columns = fields or "*"
    query = f"SELECT {columns} FROM items WHERE sku = '{sku}'"
    return connection().execute(query).fetchall()  # $ sink=sql


def rename_item(sku, body):  # $ source=remote
    cursor = connection().cursor()
    cursor.execute("UPDATE items SET name = ? WHERE sku = ?", (body["name"], sku))  # ok: parameters
    subprocess.run("reindex " + body["name"], shell=True)  # $ sink=command
    return {"renamed": sku}


def item_report(sku, user, token_info):
    # `user` and `token_info` come from connexion's security handler, not from the request.
    connection().execute(f"INSERT INTO audit VALUES ('{user}', '{token_info}')")  # ok: not request input
    return {"sku": sku}


def rebuild_index(table):
    # Not named by the specification: an ordinary helper whose caller decides what `table` is.
    return connection().execute(f"DELETE FROM {table}")  # ok: not a handler


def search():
    term = request.args.get("q", "")  # $ source=remote
    return connection().execute("SELECT * FROM items WHERE name LIKE '%" + term + "%'").fetchall()  # $ sink=sql


class Stock:
    def count(self, sku):  # $ source=remote
        return connection().execute("SELECT count(*) FROM stock WHERE sku = '%s'" % sku).fetchone()  # $ sink=sql
