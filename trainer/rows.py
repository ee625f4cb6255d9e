"""Rows read and written on a hot path, with SQL built once per model and database.

The ORM builds and compiles its SQL anew on every call, which costs several times what
running it does; on the answer's path (every answer a trainee gives) that is most of the
time spent. Tools for such paths, each keeping the ORM's behaviour:

``Scalar`` reads one column of one row (a session's data, a workshop's counter).

``Select`` reads rows of one model (plus any extra columns) with SQL written once, and
turns them into instances the ORM's way: each column through the database's and the
field's converters, then ``Model.from_db``.

``insert(instance)`` does what ``save(force_insert=True)`` does for a new row of a plain
model: the ``pre_save`` and ``post_save`` signals, each field's ``pre_save`` (``auto_now``
and the like) and its conversion for the database, the new primary key set on the
instance, and the instance marked as saved. It takes plain models with an auto-increment
integer key only (no inheritance, no generated or database-default columns) and says
so otherwise.

On PostgreSQL all three bind their parameters on the server and have each statement
prepared on its first run in a connection (``_cursor``), so later runs skip parsing and
planning: that halves the database server's work for these small statements (measured).
The ORM's own queries keep Django's client-side binding.
"""

from __future__ import annotations

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save


def _cursor(connection):
    """A cursor for SQL written once, wrapped as ``connection.cursor()`` wraps its own (so
    errors become Django's).

    On PostgreSQL, when the connection allows prepared statements (``prepare_threshold``
    in the database's OPTIONS, set by ``trainer.settings``), the cursor binds parameters
    on the server, and psycopg prepares each statement the first time it runs on the
    connection. Elsewhere, with prepared statements turned off, or while queries are being
    logged (``DEBUG``, tests counting queries: a prepared statement runs by name, so the
    log would have no SQL to show), it is the usual cursor.
    """
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


class Scalar:
    """``SELECT <field> FROM <table> WHERE <where>``, built once per database.

    ``where`` names fields in braces (``"{session_key} = %s"``); they become quoted
    columns. The value comes as the driver gives it, which for text and integers is what
    the ORM would give.
    """

    def __init__(self, model: type[models.Model], field: str, where: str):
        self.model = model
        self.field = field
        self.where = where
        self._sql: dict[str, str] = {}

    def _prepare(self, alias: str) -> str:
        sql = self._sql.get(alias)
        if sql is None:
            quote = connections[alias].ops.quote_name
            meta = self.model._meta
            columns = {f.name: quote(f.column) for f in meta.concrete_fields}
            columns.update({f.attname: quote(f.column) for f in meta.concrete_fields})
            sql = (
                f"SELECT {columns[self.field]} FROM {quote(meta.db_table)} "
                f"WHERE {self.where.format(**columns)}"
            )
            self._sql[alias] = sql
        return sql

    def first(self, params: list, using: str | None = None):
        """The value of the first row, or ``None`` when there is none."""
        alias = using or router.db_for_read(self.model)
        with _cursor(connections[alias]) as cursor:
            cursor.execute(self._prepare(alias), params)
            row = cursor.fetchone()
        return None if row is None else row[0]


class Select:
    """``SELECT <the model's columns>, <extra> FROM <table> AS t <rest>``, built once.

    ``rest`` names the model's table ``t`` (joins, ``WHERE``); ``extra`` are further
    expressions, read raw (no converters) into attributes of the same names.
    """

    def __init__(self, model: type[models.Model], rest: str, extra: dict[str, str] | None = None):
        self.model = model
        self.rest = rest
        self.extra = extra or {}
        self._prepared: dict[str, tuple[str, list[str], list[list]]] = {}

    def _prepare(self, alias: str):
        prepared = self._prepared.get(alias)
        if prepared is not None:
            return prepared
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = self.model._meta
        fields = list(meta.concrete_fields)
        columns = [f"t.{quote(field.column)}" for field in fields]
        columns += [f"{expression} AS {quote(name)}" for name, expression in self.extra.items()]
        sql = f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} t {self.rest}"
        converters = []
        for field in fields:
            column = field.get_col("t")
            converters.append(
                [
                    (converter, column)
                    for converter in connection.ops.get_db_converters(column)
                    + field.get_db_converters(connection)
                ]
            )
        prepared = (sql, [field.attname for field in fields], converters)
        self._prepared[alias] = prepared
        return prepared

    def first(self, params: list, using: str | None = None) -> models.Model | None:
        """The first row as an instance (the extra columns set on it), or ``None``."""
        alias = using or router.db_for_read(self.model)
        sql, attnames, converters = self._prepare(alias)
        connection = connections[alias]
        with _cursor(connection) as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, steps in zip(row, converters, strict=False):
            for converter, column in steps:
                value = converter(value, column, connection)
            values.append(value)
        instance = self.model.from_db(alias, attnames, values)
        for name, value in zip(self.extra, row[len(attnames) :], strict=True):
            setattr(instance, name, value)
        return instance


_statements: dict[tuple[type[models.Model], str], tuple[str, list[models.Field], bool]] = {}


def _statement(model: type[models.Model], alias: str):
    """The INSERT for ``model`` on ``alias``: its SQL, its fields, whether it returns the key."""
    found = _statements.get((model, alias))
    if found is not None:
        return found
    meta = model._meta
    if (
        meta.parents
        or meta.proxy
        or not isinstance(meta.pk, models.AutoField)
        or any(f.generated or f.db_default is not models.NOT_PROVIDED for f in meta.fields)
    ):
        raise TypeError(f"insert() takes plain models with an integer key, not {meta.label}")
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = [field for field in meta.local_concrete_fields if field is not meta.pk]
    returning = connection.features.can_return_columns_from_insert
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(meta.pk.column)}" if returning else "",
    )
    found = (sql, fields, returning)
    _statements[(model, alias)] = found
    return found


def insert(instance: models.Model) -> None:
    """Write ``instance`` as a new row; raises ``IntegrityError`` as ``save()`` would."""
    model = type(instance)
    if instance.pk is not None:
        raise ValueError("insert() writes new rows only; this one has a key already")
    alias = router.db_for_write(model, instance=instance)
    sql, fields, returning = _statement(model, alias)
    connection = connections[alias]
    pre_save.send(sender=model, instance=instance, raw=False, using=alias, update_fields=None)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with transaction.mark_for_rollback_on_error(using=alias), _cursor(connection) as cursor:
        cursor.execute(sql, values)
        if returning:
            key = cursor.fetchone()[0]
        else:
            key = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    setattr(instance, model._meta.pk.attname, key)
    instance._state.db = alias
    instance._state.adding = False
    post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
