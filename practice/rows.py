"""Model objects from the rows of hand-written SQL, loaded as the ORM loads them.

For the hottest reads (today's list, a check-off's exercise), where building and compiling the
ORM's query costs more than the database's answer: the fields read are named, selected in the
model's order of fields (which `Model.from_db` takes), and each value goes through its field's
converters (a JSON column parsed, a SQLite date read), so an object is the one the ORM would give.
The fields left out stay deferred."""

from functools import cache

from django.db import connection


def fields_of(model, names) -> list:
    """`model`'s concrete fields named by attname in `names`, in the model's own order."""
    return [field for field in model._meta.concrete_fields if field.attname in names]


def select_list(alias: str, fields: list) -> str:
    return ", ".join(f"{alias}.{field.column}" for field in fields)


def instance(model, fields: list, values):
    """An object of `model` from the values of `fields` (as `fields_of` lists them), in order."""
    loaded = [load(field, value) for field, value in zip(fields, values, strict=True)]
    return model.from_db(connection.alias, [field.attname for field in fields], loaded)


def load(field, value):
    """A column's value as the ORM hands it over: through the database's and the field's converters."""
    for converter, column in _converters(field, connection.vendor):
        value = converter(value, column, connection)
    return value


@cache
def _converters(field, vendor: str) -> list:
    column = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    return [(converter, column) for converter in converters]
