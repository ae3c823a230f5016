"""Alembic environment for the reference host schema (its own version table)."""

from __future__ import annotations

from alembic import context

from acctivate_qbo_plugin.reference_host.models import HostBase
from acctivate_qbo_plugin.state.db import make_engine

VERSION_TABLE = "alembic_version_reference_host"
config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
            "sqlalchemy.url"
        )
        if not url:
            raise RuntimeError("pass -x url=... or use `acctivate-qbo install --host-schema`")
        engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=HostBase.metadata,
            version_table=VERSION_TABLE,
            render_as_batch=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
