import html
import sqlite3

from fastapi import Cookie, FastAPI, Header, Request
from fastapi.responses import HTMLResponse

app = FastAPI()
db = sqlite3.connect("app.db")


@app.get("/items/{item_id}")
def item(item_id: str, q: str, session: str = Cookie(), agent: str = Header()):  # $ source=remote
    db.execute("SELECT * FROM items WHERE id = '" + item_id + "'")  # $ sink=sql
    db.execute("SELECT * FROM items WHERE q = ?", (q,))  # ok: a parameter
    return {"session": session, "agent": agent}


@app.get("/page")
async def page(request: Request):  # $ source=remote
    name = request.query_params["name"]
    return HTMLResponse("<p>" + name + "</p>")  # $ sink=html


@app.get("/number/{number}")
def number(number: int):
    return HTMLResponse("<p>" + str(number) + "</p>")  # ok: a validated int
