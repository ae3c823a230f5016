"""Database triggers that stamp ``changed_at``: the database sets it, not the application.

An application clock can be wrong or forgotten; a trigger runs in the same transaction as the
change, on the database's clock, for every writer (the ERP, a report tool, a DBA's UPDATE).
A change to a document line also touches its document, so the document is reviewed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["drop_trigger_sql", "trigger_sql"]

# The same clock database_now() reads: UTC, microsecond text on SQLite (6 digits, so text
# comparisons order correctly), transaction start time on PostgreSQL (see state/db.py).
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION acctivate_stamp_changed_at() RETURNS trigger AS $$
BEGIN
    NEW.changed_at := timezone('utc', now());
    RETURN NEW;
END $$ LANGUAGE plpgsql
"""


def trigger_sql(
    dialect: str, stamped: Iterable[str], lines: Mapping[str, tuple[str, str]]
) -> list[str]:
    """The statements creating every trigger for ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return _sqlite(stamped, lines)
    if dialect == "postgresql":
        return _postgresql(stamped, lines)
    raise NotImplementedError(
        f"the reference host schema has triggers for SQLite and PostgreSQL, not {dialect}"
    )


def _sqlite(stamped: Iterable[str], lines: Mapping[str, tuple[str, str]]) -> list[str]:
    statements = []
    for table in stamped:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW")):
            statements.append(
                f'CREATE TRIGGER "trg_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                f'FOR EACH ROW BEGIN UPDATE "{table}" SET changed_at = {_SQLITE_NOW} '
                f"WHERE id = {row}.id; END"
            )
    for line_table, (document, key) in lines.items():
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            statements.append(
                f'CREATE TRIGGER "trg_{line_table}_{event.lower()}" AFTER {event} '
                f'ON "{line_table}" FOR EACH ROW BEGIN UPDATE "{document}" '
                f"SET changed_at = {_SQLITE_NOW} WHERE id = {row}.{key}; END"
            )
    return statements


def _postgresql(stamped: Iterable[str], lines: Mapping[str, tuple[str, str]]) -> list[str]:
    statements = [_PG_FUNCTION]
    for table in stamped:
        statements.append(
            f'CREATE TRIGGER "trg_{table}_stamp" BEFORE INSERT OR UPDATE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION acctivate_stamp_changed_at()"
        )
    for line_table, (document, key) in lines.items():
        function = f"acctivate_touch_{document}_from_{line_table}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"UPDATE \"{document}\" SET changed_at = timezone('utc', now()) "
            f"WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.{key} ELSE NEW.{key} END; "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        statements.append(
            f'CREATE TRIGGER "trg_{line_table}_touch" AFTER INSERT OR UPDATE OR DELETE '
            f'ON "{line_table}" FOR EACH ROW EXECUTE FUNCTION {function}()'
        )
    return statements


def drop_trigger_sql(dialect: str, stamped: Iterable[str], lines: Mapping[str, tuple[str, str]]):
    """The statements removing them again (for the migration's downgrade)."""
    if dialect == "sqlite":
        names = [f"trg_{t}_{e}" for t in stamped for e in ("insert", "update")]
        names += [f"trg_{t}_{e}" for t in lines for e in ("insert", "update", "delete")]
        return [f'DROP TRIGGER IF EXISTS "{n}"' for n in names]
    statements = [f'DROP TRIGGER IF EXISTS "trg_{t}_stamp" ON "{t}"' for t in stamped]
    for line_table, (document, _key) in lines.items():
        statements.append(f'DROP TRIGGER IF EXISTS "trg_{line_table}_touch" ON "{line_table}"')
        statements.append(f"DROP FUNCTION IF EXISTS acctivate_touch_{document}_from_{line_table}()")
    statements.append("DROP FUNCTION IF EXISTS acctivate_stamp_changed_at()")
    return statements
