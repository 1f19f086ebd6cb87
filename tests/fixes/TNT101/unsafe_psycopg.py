"""With psycopg2 the placeholder is %s, and a literal % in the SQL is doubled."""

import psycopg2
from flask import request


def report():
    name = request.args["name"]
    conn = psycopg2.connect("dbname=shop")
    cursor = conn.cursor()
    cursor.execute(f"SELECT sku FROM items WHERE name = '{name}' AND code LIKE 'A%'")  # $ TNT101
    return cursor.fetchall()
