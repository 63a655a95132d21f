"""Imports from the billing system: the accounts file and the consumption file (CSV).

- csv_files: reading a file, its header and rows; ImportResult, BadRow, write_rejects.
- accounts: import_accounts.
- consumption: import_consumption (a small file in memory; above BULK_LINES, the bulk path).
- consumption_rows: the checks of a row and of an account's periods, shared by both paths.
- consumption_bulk: the bulk path (a chunk at a time, rows held in SQLite).
"""
