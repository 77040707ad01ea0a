"""Shared UI helpers at the bottom of the stack: form fields and GOV.UK form helpers, links and
generic template tags. Imports Django and no app of ours."""
