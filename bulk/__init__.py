"""Writing many rows without bulk_create's per-instance cost (see bulk/rows.py)."""
