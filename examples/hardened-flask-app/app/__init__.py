"""Bookshelf: the library-lending web app of `vulnerable-flask-app`, configured and written for production."""

from flask import Flask

from app import settings
from app.extensions import csrf, limiter, login_manager, talisman
from app.views import bp

# Talisman also forces HTTPS, sends HSTS for a year, nosniff, X-Frame-Options and a strict Referrer-Policy.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def create_app():
    app = Flask(__name__)
    app.config.from_object(settings)
    talisman.init_app(app, content_security_policy=CONTENT_SECURITY_POLICY)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(bp)
    return app
