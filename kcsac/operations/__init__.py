"""Use cases, Qt-free: each takes the store, the acting user and `today`, checks the rules,
writes one transaction with its audit rows, and returns what changed.

Errors: every refusal is a kcsac.domain.records.RecordError (kinds in
kcsac.operations.errors: NotPermitted, InvalidInput (.problems), Refused (.blockers),
WrongPassword, StaleRecord, NotFound, Duplicate, WriteFailed, DatabaseBusy); str(error)
is a message a clerk can read.

The desk's map (module.function):
- users: current_user(store, login) -> User | None (None: read-only),
  ensure_first_admin(store, login, today), set_own_password, check_password, add_user,
  change_user, reset_password.
- accounts: add_account, update_account (also importable from applications).
- applications: create_application, update_application
  (reason required once submitted), submit_application (assesses the fee), set_fee
  (director, fee the ordinance does not set), record_payment, reverse_payment, record_review,
  enter_determination (on an approved credit: starts an amendment), withdraw.
- meters: add_meter, record_reading.
- ownership: record_ownership_change (account, draft, submission and any director fee in one
  transaction; create_ownership_change is its first step), then the director's approve() moves
  the credit.
- approvals: blockers_to_sign(store, number, signer) -> [Blocker], approve (sign, also
  amendments and ownership changes), deny (DENIAL_REASONS keys or free text), reopen,
  revoke, ensure_can_sign.
- queries: queue_counts, list_applications, count_applications, application_detail
  (blockers, next step, audit timeline).
- previews: schedule_preview(store, number, today=...) -> SchedulePreview.
- admin: surcharge_limits, set_surcharge_limits, backup_settings, set_backup_settings.
- backups: backup, auto_backup(store, folder=None, keep=None), restore.
- imports / exports / demo: what the CLI's records commands run.
"""
