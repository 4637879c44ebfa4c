"""The case list at scale: next_due_at, search_text and the indexes of the lists and statistics

Adds two columns a case derives from its data (incidents/services/derived.py keeps them at
every flush) and the indexes the lists, their filters and search, the register and the
statistics read by.

- `search_text` is filled here, in batches: it derives from the case's own rows only (number,
  live victims' names, unit, place), so the frozen copy of the folding below stays right.
- `next_due_at` is left NULL: it derives from the rule pack's deadlines, which change without
  a migration (a lawyer edits kr.toml), so it has a command anyway. After upgrading, run

      flask cases refresh-deadlines

  Until then the overdue filter finds no pre-existing case (nothing else reads the column).
- The search index is a trigram GIN index on PostgreSQL (pg_trgm: LIKE '%term%' without a
  full scan). SQLite has no such index; its twin there is an empty partial index, so both
  databases carry the same schema for the drift check.
- insurer_package (insurer_id, case_id) replaces the index on insurer_id alone: the
  insurer's list and statistics ask "handed to this insurer?" of every case they read.

Revision ID: b5b1b6400e71
Revises: 5f180629f39b
Create Date: 2026-11-29 16:10:16.216499

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5b1b6400e71'
down_revision = '5f180629f39b'
branch_labels = None
depends_on = None

BATCH = 5000


def _fold(value):
    # a frozen copy of incidents.services.derived.fold
    return " ".join(value.split()).casefold().replace("ё", "е")


def _fill_search_text():
    conn = op.get_bind()
    cases = sa.table(
        "case_file",
        sa.column("id", sa.Integer),
        sa.column("seq", sa.Integer),
        sa.column("year", sa.Integer),
        sa.column("structural_unit", sa.String),
        sa.column("place", sa.String),
        sa.column("search_text", sa.Text),
    )
    victims = sa.table(
        "victim",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("full_name", sa.String),
        sa.column("removed_at", sa.DateTime),
    )
    store = (
        sa.update(cases)
        .where(cases.c.id == sa.bindparam("case_id"))
        .values(search_text=sa.bindparam("text"))
    )
    after = 0
    while True:
        rows = conn.execute(
            sa.select(cases.c.id, cases.c.seq, cases.c.year, cases.c.structural_unit, cases.c.place)
            .where(cases.c.id > after)
            .order_by(cases.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        names = {}
        for case_id, name in conn.execute(
            sa.select(victims.c.case_id, victims.c.full_name)
            .where(
                victims.c.case_id.in_([r.id for r in rows]), victims.c.removed_at.is_(None)
            )
            .order_by(victims.c.id)
        ):
            names.setdefault(case_id, []).append(name)
        params = []
        for r in rows:
            parts = [f"{r.seq}/{r.year}", *names.get(r.id, ()), r.structural_unit or "", r.place or ""]
            params.append({"case_id": r.id, "text": _fold(" ".join(p for p in parts if p))})
        conn.execute(store, params)
        after = rows[-1].id


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
        # (status, next_due_at) below starts with status: the index of its own is redundant
        batch_op.drop_index(batch_op.f('ix_case_file_status'))
        batch_op.create_index('ix_case_file_organisation_id_id', ['organisation_id', 'id'], unique=False)
        batch_op.create_index('ix_case_file_organisation_id_occurred_at', ['organisation_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_case_file_organisation_id_status_id', ['organisation_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_case_file_status_next_due_at', ['status', 'next_due_at'], unique=False)

    # the insurer's list and statistics: "handed to this insurer?" per case in one lookup;
    # the index on insurer_id alone is its prefix, so it goes
    with op.batch_alter_table('insurer_package', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurer_package_insurer_id'))
        batch_op.create_index('ix_insurer_package_insurer_id_case_id', ['insurer_id', 'case_id'], unique=False)

    _fill_search_text()
    if op.get_bind().dialect.name == "postgresql":
        # a trusted extension since PostgreSQL 13: the database owner may create it
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_file_search_text_trgm', ['search_text'], unique=False, postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))


def downgrade():
    with op.batch_alter_table('insurer_package', schema=None) as batch_op:
        batch_op.drop_index('ix_insurer_package_insurer_id_case_id')
        batch_op.create_index(batch_op.f('ix_insurer_package_insurer_id'), ['insurer_id'], unique=False)

    # pg_trgm stays installed: other objects of the database may use it
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_file_status_next_due_at')
        batch_op.drop_index('ix_case_file_search_text_trgm', postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))
        batch_op.drop_index('ix_case_file_organisation_id_status_id')
        batch_op.drop_index('ix_case_file_organisation_id_occurred_at')
        batch_op.drop_index('ix_case_file_organisation_id_id')
        batch_op.create_index(batch_op.f('ix_case_file_status'), ['status'], unique=False)
        batch_op.drop_column('search_text')
        batch_op.drop_column('next_due_at')
