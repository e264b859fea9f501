# A counter per account that PostgreSQL itself bumps whenever something a process may
# keep in memory about the account changes: its access keys (deleted, deactivated), the
# account row, its classroom membership and limits. services/core/account_generation.py
# reads it in one indexed statement per call, so a cache checked against it is never
# stale, whichever process or tool made the change. The '' row is an epoch bumped when
# a table is truncated (the test suite's flush), which outdates every cache at once.

from django.db import migrations

SQL = r"""
CREATE TABLE core_account_generation (
    account_id varchar(12) PRIMARY KEY,
    n bigint NOT NULL
);
INSERT INTO core_account_generation VALUES ('', 0);

CREATE FUNCTION core_bump_account_generation(account text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO core_account_generation AS g VALUES (account, 1)
    ON CONFLICT (account_id) DO UPDATE SET n = g.n + 1;
$$;

CREATE FUNCTION core_account_generation_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    column_name text := TG_ARGV[0];
    old_id text;
    new_id text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_id := to_jsonb(OLD) ->> column_name;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_id := to_jsonb(NEW) ->> column_name;
    END IF;
    IF old_id IS NOT NULL THEN
        PERFORM core_bump_account_generation(old_id);
    END IF;
    IF new_id IS NOT NULL AND new_id IS DISTINCT FROM old_id THEN
        PERFORM core_bump_account_generation(new_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION core_account_generation_classroom() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_account_generation AS g
        SELECT account_id, 1 FROM classrooms_student
        WHERE classroom_id = OLD.id AND account_id IS NOT NULL
    ON CONFLICT (account_id) DO UPDATE SET n = g.n + 1;
    RETURN NULL;
END $$;

CREATE FUNCTION core_account_generation_epoch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM core_bump_account_generation('');
    RETURN NULL;
END $$;

-- Access keys: a new key outdates nothing (unknown keys are never cached); the
-- last-used columns, written by calls, do not count.
CREATE TRIGGER core_accesskey_generation
    AFTER UPDATE OF status, secret_access_key, account_id, user_name OR DELETE
    ON core_accesskey FOR EACH ROW
    EXECUTE FUNCTION core_account_generation_row('account_id');
CREATE TRIGGER core_account_generation
    AFTER UPDATE OR DELETE ON core_account FOR EACH ROW
    EXECUTE FUNCTION core_account_generation_row('id');
CREATE TRIGGER classrooms_student_generation
    AFTER INSERT OR UPDATE OF account_id, classroom_id OR DELETE
    ON classrooms_student FOR EACH ROW
    EXECUTE FUNCTION core_account_generation_row('account_id');
CREATE TRIGGER classrooms_classroom_generation
    AFTER UPDATE OR DELETE ON classrooms_classroom FOR EACH ROW
    EXECUTE FUNCTION core_account_generation_classroom();

CREATE TRIGGER core_accesskey_generation_epoch AFTER TRUNCATE ON core_accesskey
    FOR EACH STATEMENT EXECUTE FUNCTION core_account_generation_epoch();
CREATE TRIGGER core_account_generation_epoch AFTER TRUNCATE ON core_account
    FOR EACH STATEMENT EXECUTE FUNCTION core_account_generation_epoch();
CREATE TRIGGER classrooms_student_generation_epoch AFTER TRUNCATE ON classrooms_student
    FOR EACH STATEMENT EXECUTE FUNCTION core_account_generation_epoch();
CREATE TRIGGER classrooms_classroom_generation_epoch AFTER TRUNCATE ON classrooms_classroom
    FOR EACH STATEMENT EXECUTE FUNCTION core_account_generation_epoch();
"""

REVERSE_SQL = r"""
DROP TRIGGER IF EXISTS core_accesskey_generation ON core_accesskey;
DROP TRIGGER IF EXISTS core_account_generation ON core_account;
DROP TRIGGER IF EXISTS classrooms_student_generation ON classrooms_student;
DROP TRIGGER IF EXISTS classrooms_classroom_generation ON classrooms_classroom;
DROP TRIGGER IF EXISTS core_accesskey_generation_epoch ON core_accesskey;
DROP TRIGGER IF EXISTS core_account_generation_epoch ON core_account;
DROP TRIGGER IF EXISTS classrooms_student_generation_epoch ON classrooms_student;
DROP TRIGGER IF EXISTS classrooms_classroom_generation_epoch ON classrooms_classroom;
DROP FUNCTION IF EXISTS core_account_generation_epoch();
DROP FUNCTION IF EXISTS core_account_generation_classroom();
DROP FUNCTION IF EXISTS core_account_generation_row();
DROP FUNCTION IF EXISTS core_bump_account_generation(text);
DROP TABLE IF EXISTS core_account_generation;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_seal_access_key_secrets"),
        ("classrooms", "0002_seal_initial_passwords"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
