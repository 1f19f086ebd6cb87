"""HTTP routes."""

import logging
import os
import pickle
import subprocess
import traceback
from xml.etree import ElementTree

import requests
import yaml
from flask import Flask, jsonify, make_response, redirect, render_template, render_template_string, request, send_file

from app import db, settings
from app.security import check_password, issue_token, read_token, reset_token

app = Flask(__name__)
app.config.from_object(settings)
log = logging.getLogger("bookshelf")


@app.route("/login", methods=["POST"])
def login():
    name = request.form["name"]
    password = request.form["password"]
    log.info("login attempt for %s with password %s", name, password)
    user = db.user_by_name(name)
    if user is None or not check_password(password, user[2]):
        return "invalid credentials", 401
    response = make_response(redirect("/"))
    response.set_cookie("token", issue_token(user[0]))
    return response


@app.route("/search")
def search():
    title = request.args.get("q", "")
    books = db.find_books(title)
    return render_template("results.html", books=books, query=title)


@app.route("/search/safe")
def search_safe():
    title = request.args.get("q", "")
    return jsonify(db.find_book_safely(title))


@app.route("/users/<int:user_id>")
def show_user(user_id):
    return jsonify(db.get_user(user_id))


@app.route("/admin/users/<user_id>", methods=["DELETE"])
def delete_user(user_id):
    db.delete_user(user_id)
    return "", 204


@app.route("/profile")
def profile():
    name = request.args.get("name", "reader")
    return render_template_string("<h1>Hello " + name + "</h1>")


@app.route("/upload", methods=["POST"])
def upload():
    uploaded = request.files["cover"]
    path = os.path.join(settings.UPLOAD_FOLDER, uploaded.filename)
    uploaded.save(path)
    return "saved"


@app.route("/download")
def download():
    name = request.args["file"]
    return send_file(os.path.join(settings.UPLOAD_FOLDER, name))


@app.route("/go")
def go():
    return redirect(request.args.get("next", "/"))


@app.route("/preview")
def preview():
    url = request.args["url"]
    page = requests.get(url, verify=False)
    return page.text


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    os.system("ping -c 1 " + host)
    return "sent"


@app.route("/report")
def report():
    month = request.args.get("month", "01")
    output = subprocess.check_output("cat reports/" + month + ".csv", shell=True)
    return output


@app.route("/calc")
def calc():
    expression = request.args.get("expr", "0")
    return str(eval(expression))


@app.route("/import", methods=["POST"])
def import_shelf():
    shelf = pickle.loads(request.get_data())
    return jsonify(count=len(shelf))


@app.route("/settings", methods=["POST"])
def update_settings():
    options = yaml.load(request.get_data())
    return jsonify(options)


@app.route("/import/catalogue", methods=["POST"])
def import_catalogue():
    catalogue = ElementTree.fromstring(request.get_data())
    return jsonify(titles=[book.findtext("title") for book in catalogue])


@app.route("/token")
def token():
    claims = read_token(request.headers.get("Authorization", ""))
    return jsonify(claims=claims, reset=reset_token())


@app.errorhandler(500)
def server_error(error):
    return traceback.format_exc(), 500


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
