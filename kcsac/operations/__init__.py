"""Use cases, Qt-free: each takes the store, the acting user and `today`, checks the rules,
writes one transaction with its audit rows, and returns what changed.

Errors: every refusal is a kcsac.domain.records.RecordError (see kcsac.operations.errors);
str(error) is a message a clerk can read.
"""
