"""Issued documents: the approval and denial letters and the adjusted volume schedule.

- wording: the legal wording every document shares (citations, duties, parameters, meters).
- letters: build_approval_letter, build_denial_letter (from the records of the decision).
- schedules: build_schedule_document, schedule_periods (the engine's schedule as printed).
- issuing: issue, letter_for, schedule_for, render_issued, issued_documents, latest_issued.
- batch: export_documents, decided_since (many applications' documents into a folder).
"""
