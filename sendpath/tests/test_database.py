"""On PostgreSQL a connection prepares the queries it runs again (sendpath/settings.py,
SENDPATH_PG_PREPARE), so PostgreSQL plans a page's queries once per connection, not once per
request."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_a_query_run_again_is_prepared():
    sql = "SELECT COUNT(*) FROM accounts_school WHERE id > %s"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(sql, [0])
            cursor.fetchone()
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("accounts_school WHERE id > $1" in s for s in prepared), prepared
