"""The logged-in user, as Flask-Login sees it."""

from flask_login import UserMixin

from app import db
from app.extensions import login_manager


class User(UserMixin):
    def __init__(self, user_id, name, role):
        self.id = user_id
        self.name = name
        self.role = role

    @property
    def is_admin(self):
        return self.role == "admin"


@login_manager.user_loader
def load_user(user_id):
    row = db.get_user(int(user_id))
    return User(row["id"], row["name"], row["role"]) if row else None
