"""reporting cycles, reports, entries, evidence, figures, review comments

Revision ID: a9a0f8d489b9
Revises: b35de4b03cd5
Create Date: 2026-11-28 17:11:18.504269

"""
from alembic import op
import sqlalchemy as sa


# Accepted reports are locked by the database (a frozen copy of tracker.locks.LOCK_DDL).
LOCK_DDL = {'postgresql': ['CREATE OR REPLACE FUNCTION report_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF OLD.state = 'accepted' THEN RAISE EXCEPTION 'report is accepted and locked'; END "
                "IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER report_locked BEFORE UPDATE OR DELETE ON report FOR EACH ROW EXECUTE '
                'FUNCTION report_locked_guard()',
                'CREATE OR REPLACE FUNCTION entry_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF TG_OP <> 'DELETE' AND (SELECT state FROM report WHERE id = NEW.report_id) = "
                "'accepted' OR TG_OP <> 'INSERT' AND (SELECT state FROM report WHERE id = OLD.report_id) = "
                "'accepted' THEN RAISE EXCEPTION 'report is accepted and locked'; END IF; IF TG_OP = "
                "'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER entry_locked BEFORE INSERT OR UPDATE OR DELETE ON entry FOR EACH ROW EXECUTE '
                'FUNCTION entry_locked_guard()',
                'CREATE OR REPLACE FUNCTION review_comment_locked_guard() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN IF TG_OP <> 'DELETE' AND (SELECT state FROM report WHERE id = NEW.report_id) = "
                "'accepted' OR TG_OP <> 'INSERT' AND (SELECT state FROM report WHERE id = OLD.report_id) = "
                "'accepted' THEN RAISE EXCEPTION 'report is accepted and locked'; END IF; IF TG_OP = "
                "'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER review_comment_locked BEFORE INSERT OR UPDATE OR DELETE ON review_comment '
                'FOR EACH ROW EXECUTE FUNCTION review_comment_locked_guard()',
                'CREATE OR REPLACE FUNCTION evidence_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF TG_OP <> 'DELETE' AND (SELECT r.state FROM report r JOIN entry e ON e.report_id = "
                "r.id WHERE e.id = NEW.entry_id) = 'accepted' OR TG_OP <> 'INSERT' AND (SELECT r.state FROM "
                "report r JOIN entry e ON e.report_id = r.id WHERE e.id = OLD.entry_id) = 'accepted' THEN "
                "RAISE EXCEPTION 'report is accepted and locked'; END IF; IF TG_OP = 'DELETE' THEN RETURN "
                'OLD; END IF; RETURN NEW; END $$',
                'CREATE TRIGGER evidence_locked BEFORE INSERT OR UPDATE OR DELETE ON evidence FOR EACH ROW '
                'EXECUTE FUNCTION evidence_locked_guard()',
                'CREATE OR REPLACE FUNCTION indicator_value_locked_guard() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN IF TG_OP <> 'DELETE' AND (SELECT r.state FROM report r JOIN entry e ON "
                "e.report_id = r.id WHERE e.id = NEW.entry_id) = 'accepted' OR TG_OP <> 'INSERT' AND (SELECT "
                'r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = OLD.entry_id) = '
                "'accepted' THEN RAISE EXCEPTION 'report is accepted and locked'; END IF; IF TG_OP = "
                "'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER indicator_value_locked BEFORE INSERT OR UPDATE OR DELETE ON indicator_value '
                'FOR EACH ROW EXECUTE FUNCTION indicator_value_locked_guard()'],
 'sqlite': ["CREATE TRIGGER report_locked_update BEFORE UPDATE ON report WHEN OLD.state = 'accepted' BEGIN "
            "SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            "CREATE TRIGGER report_locked_delete BEFORE DELETE ON report WHEN OLD.state = 'accepted' BEGIN "
            "SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER entry_locked_insert BEFORE INSERT ON entry WHEN (SELECT state FROM report WHERE '
            "id = NEW.report_id) = 'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); "
            'END',
            'CREATE TRIGGER entry_locked_update BEFORE UPDATE ON entry WHEN (SELECT state FROM report WHERE '
            "id = OLD.report_id) = 'accepted' OR (SELECT state FROM report WHERE id = NEW.report_id) = "
            "'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER entry_locked_delete BEFORE DELETE ON entry WHEN (SELECT state FROM report WHERE '
            "id = OLD.report_id) = 'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); "
            'END',
            'CREATE TRIGGER review_comment_locked_insert BEFORE INSERT ON review_comment WHEN (SELECT state '
            "FROM report WHERE id = NEW.report_id) = 'accepted' BEGIN SELECT RAISE(ABORT, 'report is "
            "accepted and locked'); END",
            'CREATE TRIGGER review_comment_locked_update BEFORE UPDATE ON review_comment WHEN (SELECT state '
            "FROM report WHERE id = OLD.report_id) = 'accepted' OR (SELECT state FROM report WHERE id = "
            "NEW.report_id) = 'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER review_comment_locked_delete BEFORE DELETE ON review_comment WHEN (SELECT state '
            "FROM report WHERE id = OLD.report_id) = 'accepted' BEGIN SELECT RAISE(ABORT, 'report is "
            "accepted and locked'); END",
            'CREATE TRIGGER evidence_locked_insert BEFORE INSERT ON evidence WHEN (SELECT r.state FROM '
            "report r JOIN entry e ON e.report_id = r.id WHERE e.id = NEW.entry_id) = 'accepted' BEGIN "
            "SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER evidence_locked_update BEFORE UPDATE ON evidence WHEN (SELECT r.state FROM '
            "report r JOIN entry e ON e.report_id = r.id WHERE e.id = OLD.entry_id) = 'accepted' OR (SELECT "
            'r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = NEW.entry_id) = '
            "'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER evidence_locked_delete BEFORE DELETE ON evidence WHEN (SELECT r.state FROM '
            "report r JOIN entry e ON e.report_id = r.id WHERE e.id = OLD.entry_id) = 'accepted' BEGIN "
            "SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER indicator_value_locked_insert BEFORE INSERT ON indicator_value WHEN (SELECT '
            'r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = NEW.entry_id) = '
            "'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER indicator_value_locked_update BEFORE UPDATE ON indicator_value WHEN (SELECT '
            'r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = OLD.entry_id) = '
            "'accepted' OR (SELECT r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = "
            "NEW.entry_id) = 'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER indicator_value_locked_delete BEFORE DELETE ON indicator_value WHEN (SELECT '
            'r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = OLD.entry_id) = '
            "'accepted' BEGIN SELECT RAISE(ABORT, 'report is accepted and locked'); END"]}

# revision identifiers, used by Alembic.
revision = 'a9a0f8d489b9'
down_revision = 'b35de4b03cd5'
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('reporting_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('framework_version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('opens_on <= due_on', name=op.f('ck_reporting_cycle_opens_before_due')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_reporting_cycle_period_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_reporting_cycle_created_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['framework_version_id'], ['framework_version.id'], name=op.f('fk_reporting_cycle_framework_version_id_framework_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_cycle')),
    sa.UniqueConstraint('name', name=op.f('uq_reporting_cycle_name'))
    )
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', 'accepted', name='report_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['amends_id'], ['report.id'], name=op.f('fk_report_amends_id_report'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['country_id'], ['country.id'], name=op.f('fk_report_country_id_country'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cycle_id'], ['reporting_cycle.id'], name=op.f('fk_report_cycle_id_reporting_cycle'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('cycle_id', 'country_id', 'revision', name=op.f('uq_report_cycle_id_country_id_revision'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reported_status', sa.String(length=64), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=True),
    sa.Column('responsible', sa.String(length=500), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('budget_amount', sa.Integer(), nullable=True),
    sa.Column('budget_currency', sa.String(length=3), nullable=True),
    sa.Column('assessed_status', sa.String(length=64), nullable=True),
    sa.Column('verified', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint('budget_amount IS NULL OR budget_amount >= 0', name=op.f('ck_entry_budget_not_negative')),
    sa.CheckConstraint('start_date IS NULL OR end_date IS NULL OR start_date <= end_date', name=op.f('ck_entry_dates_in_order')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_entry_commitment_id_commitment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_entry_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry')),
    sa.UniqueConstraint('report_id', 'commitment_id', name=op.f('uq_entry_report_id_commitment_id'))
    )
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_report_id'), ['report_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('page', sa.String(length=40), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_evidence_entry_id_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_entry_id'), ['entry_id'], unique=False)

    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_indicator_value_value_not_negative')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_indicator_value_entry_id_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value')),
    sa.UniqueConstraint('entry_id', 'indicator', name=op.f('uq_indicator_value_entry_id_indicator'))
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_value_entry_id'), ['entry_id'], unique=False)

    op.create_table('review_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('in_reply_to_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_review_comment_author_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_review_comment_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['in_reply_to_id'], ['review_comment.id'], name=op.f('fk_review_comment_in_reply_to_id_review_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_review_comment_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comment'))
    )
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comment_report_id'), ['report_id'], unique=False)

    for statement in LOCK_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comment_report_id'))
        batch_op.drop_index(batch_op.f('ix_review_comment_entry_id'))

    op.drop_table('review_comment')
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_value_entry_id'))

    op.drop_table('indicator_value')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_entry_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_report_id'))
        batch_op.drop_index(batch_op.f('ix_entry_commitment_id'))

    op.drop_table('entry')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_report_country_id'))

    op.drop_table('report')
    op.drop_table('reporting_cycle')
    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "postgresql":
        for table in ("report", "entry", "review_comment", "evidence", "indicator_value"):
            op.execute(f"DROP FUNCTION IF EXISTS {table}_locked_guard()")
