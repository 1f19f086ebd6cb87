"""HTTP routes."""

import logging
import os
import uuid
from functools import wraps

from flask import (
    Blueprint,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.utils import secure_filename

from app import db, settings
from app.extensions import limiter
from app.forms import LoginForm
from app.security import check_password, issue_token
from app.users import User

bp = Blueprint("bookshelf", __name__)
log = logging.getLogger("bookshelf")


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/login", methods=["POST"])
@limiter.limit("5 per minute")
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        abort(400)
    name = form.name.data
    user = db.user_by_name(name)
    if user is None or not check_password(form.password.data, user["password_hash"]):
        log.warning("failed login for %r from %s", name, request.remote_addr)
        abort(401)
    login_user(User(user["id"], user["name"], user["role"]))
    log.info("login of %r from %s", name, request.remote_addr)
    response = make_response(redirect(url_for("bookshelf.search")))
    response.set_cookie("token", issue_token(user["id"]), secure=True, httponly=True, samesite="Strict")
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("bookshelf.search"))


@bp.route("/search")
def search():
    title = request.args.get("q", "")
    return render_template("results.html", books=db.find_books(title), query=title)


@bp.route("/users/<int:user_id>")
@login_required
def show_user(user_id):
    if user_id != current_user.id and not current_user.is_admin:
        abort(404)
    row = db.get_user(user_id)
    if row is None:
        abort(404)
    return jsonify(dict(row))


@bp.route("/admin/users/<int:user_id>", methods=["DELETE"])
@login_required
@admin_required
def delete_user(user_id):
    db.delete_user(user_id)
    log.info("user %s deleted by %s", user_id, current_user.id)
    return "", 204


@bp.route("/profile")
@login_required
def profile():
    return render_template("profile.html", name=current_user.name)


@bp.route("/upload", methods=["POST"])
@login_required
def upload():
    uploaded = request.files["cover"]
    extension = os.path.splitext(secure_filename(uploaded.filename))[1].lower()
    if settings.ALLOWED_COVER_TYPES.get(extension) != uploaded.mimetype:
        abort(400)
    stored_name = f"{uuid.uuid4().hex}{extension}"
    uploaded.save(os.path.join(settings.UPLOAD_FOLDER, stored_name))
    return jsonify(cover=stored_name)


@bp.route("/covers/<name>")
@login_required
def cover(name):
    return send_from_directory(settings.UPLOAD_FOLDER, secure_filename(name))


@bp.app_errorhandler(500)
def server_error(error):
    log.error("unhandled error on %r", request.path, exc_info=error)
    return render_template("error.html"), 500
