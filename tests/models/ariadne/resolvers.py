import os

from ariadne import MutationType, QueryType

query = QueryType()
mutation = MutationType()


@query.field("file")
def resolve_file(obj, info, name):  # $ source=remote
    with open(os.path.join("/srv/files", name)) as handle:  # $ sink=path
        return handle.read()


def resolve_delete(obj, info, name):  # $ source=remote
    os.remove("/srv/files/" + name)  # $ sink=path
    os.remove("/srv/files/" + os.path.basename(name))  # ok: a bare file name
    return True


mutation.set_field("delete", resolve_delete)
