import os
import sqlite3

import graphene

db = sqlite3.connect("app.db")


class Query(graphene.ObjectType):
    users = graphene.List(graphene.String, filter=graphene.String())
    count = graphene.Int(limit=graphene.Int())

    def resolve_users(self, info, filter):  # $ source=remote
        return db.execute("SELECT name FROM users WHERE name LIKE '%" + filter + "%'").fetchall()  # $ sink=sql

    def resolve_count(self, info, limit):
        return db.execute("SELECT count(*) FROM users LIMIT ?", (limit,)).fetchone()  # ok: a parameter

    def resolve_home(self, info):
        return os.listdir(info.context.static_root)  # ok: info is the server's


class Backup(graphene.Mutation):
    class Arguments:
        target = graphene.String()

    ok = graphene.Boolean()

    def mutate(root, info, target):  # $ source=remote
        os.system("tar czf /backups/" + target + " /data")  # $ sink=command
        return Backup(ok=True)
