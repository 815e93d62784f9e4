"""PostgreSQL as the tests use it: the database emptied between tests that commit by deleting rows.

Django empties it with one TRUNCATE of every table, which gives each table and index a new file:
about 2 s a test on a busy machine, against a tenth of that to delete the few rows a test leaves
(foreign keys are checked at commit, when every table is empty). A table with a trigger of its own
(the audit log refuses DELETE) is still truncated. Content types and permissions are kept: they are
what migrating made, the same rows Django's flush would write again straight after.
"""

from django.db.backends.postgresql import base

KEPT = {"django_content_type", "auth_permission"}


class DatabaseOperations(base.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            triggered = {name for (name,) in cursor.fetchall()}
        emptied = [table for table in tables if table not in KEPT]
        return [
            *(f"DELETE FROM {self.quote_name(table)};" for table in emptied if table not in triggered),  # noqa: S608 (Django's own table names)
            *super().sql_flush(style, [table for table in emptied if table in triggered]),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
