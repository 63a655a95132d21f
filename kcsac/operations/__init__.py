"""Use cases, Qt-free: each takes the store, the acting user and `today`, checks the rules,
writes one transaction with its audit rows, and returns what changed.

Errors: every refusal is a kcsac.domain.records.RecordError (kinds in
kcsac.operations.errors: NotPermitted, InvalidInput (.problems), Refused (.blockers),
WrongPassword, StaleRecord, NotFound, Duplicate, WriteFailed, DatabaseBusy); str(error)
is a message a clerk can read.

Which actions a person may take on a file, and why not, is kcsac.domain.actions (the desk
asks available_actions); each operation asks the same rule through permits.require_action
(the person, before anything is read) and permits.check (the file, inside its transaction).

The desk's map (module.function):
- identity: os_account() (the process's OS account, never an environment variable).
- users: require(store, actor, permission, doing) and acting(...) (the acting user's role and
  active flag read from the database, inside the write transaction; a sensitive act's
  password checked), current_user(store, login) -> User | None (None: read-only),
  sign_in(store, login, password), ensure_first_admin(store, login, today),
  set_own_password, check_password, add_user, change_user, reset_password (each with the
  administrator's password).
- accounts: add_account, update_account, check_account.
- intake: create_application, update_application (reason required once submitted),
  submit_application (assesses the fee), withdraw.
- payments: record_payment, reverse_payment, set_fee (director, fee the ordinance does not
  set), PAYMENT_METHODS, payment_problems and fee_decision_problems (the dialogs show them).
- permits: require_action, check, file_facts (domain.actions asked by every operation).
- reviews: record_review (with attachments), attachments, attachment_content.
- determinations: enter_determination (on an approved credit: starts an amendment; carries
  the version read, a stale save is refused naming who saved meanwhile).
- progress: refresh_status (the status moved on by the recorded facts; every fact's
  operation ends with it), current_determination.
- meters: add_meter, record_reading.
- ownership: record_ownership_change (account, draft, submission and any director fee in one
  transaction; create_ownership_change is its first step), then the director's approve() moves
  the credit; ownership_rules: the checks of a change (intake, submission, signing).
- signing_rules: blockers_to_sign(store, number, signer) -> [Blocker], eligibility_problems.
- approvals: approve (sign, also amendments and ownership changes), deny (DENIAL_REASONS keys
  or free text), reopen, revoke (each with the signer's password), ensure_can_sign(store,
  actor), signature_date_problems.
- queries: queue_counts, list_applications, count_applications, application_detail
  (blockers, next step, audit timeline).
- previews: schedule_preview(store, number, today=...) -> SchedulePreview.
- documents (package): wording, letters, schedules, issuing (letter_for, schedule_for,
  render_issued), batch (export_documents, decided_since).
- admin: surcharge_limits, set_surcharge_limits, backup_settings, set_backup_settings.
- backups: backup, auto_backup(store, folder=None, keep=None), restore.
- imports (package: accounts.import_accounts, consumption.import_consumption) / exports /
  demo: what the CLI's records commands run.

Imports inside kcsac.operations form no cycle (tests/operations/test_import_cycles.py).
"""
