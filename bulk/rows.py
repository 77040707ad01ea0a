"""Many rows straight through the cursor: the seeders' and the CTF import's bulk writes.

bulk_create spends most of its time building model instances and compiling each value (about
40 µs a row): too slow for the million attendance marks of a whole local authority, or a
2,000-pupil CTF in under 2 s. Both writers here take each value through the field as bulk_create
would, with one rule for which values need it: text, numbers, booleans and keys pass as they are;
anything else (dates, times, decimals, JSON) goes through `get_db_prep_save`, once per distinct
value (the same days recur thousands of times). Names come from the model and are quoted; every
value is a parameter. Nothing is audited and no signal is sent: callers are services or seeders
that know what they write.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

# executemany's rows per call (insert_rows), and rows per INSERT … RETURNING (insert_returning:
# one statement holds a parameter for every value, and SQLite allows 32,766).
ROWS_BATCH = 2000
RETURNING_BATCH = 500

PLAIN_TYPES = frozenset(
    {"CharField", "TextField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
     "SmallIntegerField", "BooleanField", "ForeignKey", "EmailField", "SlugField"}
)  # fmt: skip

type Field = models.Field[Any, Any]


def preparer(fields: Sequence[Field]) -> Callable[[list[Any]], list[Any]]:
    """A function that converts, in place, a row of values for `fields` (in that order) as
    bulk_create would: each value of a field not in PLAIN_TYPES goes through `get_db_prep_save`,
    cached per field and value."""
    prepared = [(i, f) for i, f in enumerate(fields) if f.get_internal_type() not in PLAIN_TYPES]
    caches: list[dict[Any, Any]] = [{} for _ in prepared]

    def prepare(values: list[Any]) -> list[Any]:
        for (i, f), cache in zip(prepared, caches, strict=True):
            value = values[i]
            if value is None:
                continue
            try:
                values[i] = cache[value]
            except KeyError:
                values[i] = cache[value] = f.get_db_prep_save(value, connection)
            except TypeError:  # unhashable (a JSON dict or list): converted every time
                values[i] = f.get_db_prep_save(value, connection)
        return values

    return prepare


def _insert_sql(model: type[models.Model], fields: Sequence[Field], rows: int = 1) -> str:
    quote = connection.ops.quote_name
    row = "({})".format(", ".join(["%s"] * len(fields)))
    # Names come from the model and are quoted; every value is a parameter.
    return "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join([row] * rows),
    )


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> int:
    """Write rows that nothing points at, `ROWS_BATCH` at a time. A row is a tuple of values for
    `columns` (attnames such as "cycle_id"); a saved model instance stands for its primary key.
    Returns the number of rows."""
    fields: list[Field] = []
    for name in columns:
        found = model._meta.get_field(name)
        assert isinstance(found, models.Field)
        fields.append(found)
    prepare = preparer(fields)
    sql = _insert_sql(model, fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_BATCH):
            batch = rows[start : start + ROWS_BATCH]
            keyed = ([v.pk if isinstance(v, models.Model) else v for v in row] for row in batch)
            cursor.executemany(sql, [prepare(values) for values in keyed])
    return len(rows)


def insert_returning(model: type[models.Model], objs: list[Any]) -> None:
    """bulk_create for unsaved `objs` whose ids are needed: one INSERT … RETURNING id per
    `RETURNING_BATCH`, each value taken through the field's `pre_save` (auto_now stamps) and then
    prepared as insert_rows does. The ids are set on the instances, in order, as bulk_create sets
    them (SQLite and PostgreSQL return them in insert order)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepare = preparer(fields)
    pk = connection.ops.quote_name(str(meta.pk.column)) if meta.pk else "id"
    for start in range(0, len(objs), RETURNING_BATCH):
        chunk = objs[start : start + RETURNING_BATCH]
        params: list[Any] = []
        for obj in chunk:
            params += prepare([f.pre_save(obj, add=True) for f in fields])
        with connection.cursor() as cursor:
            cursor.execute(f"{_insert_sql(model, fields, len(chunk))} RETURNING {pk}", params)
            ids = [r[0] for r in cursor.fetchall()]
        for obj, id_ in zip(chunk, ids, strict=True):
            obj.pk = id_
            obj._state.adding = False
            obj._state.db = connection.alias
