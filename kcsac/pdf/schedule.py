"""The adjusted volume schedule: one row per billing period, totals, rates, a worked example."""

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from kcsac.domain.documents import ScheduleDocument, ScheduleLine, format_date_long
from kcsac.domain.money import format_usd
from kcsac.pdf import styles
from kcsac.pdf.page import PageSetup, build_pdf
from kcsac.pdf.parts import Gap, bullets, grid, para, reference_table, section

TITLE = "Sewer Allowance Credit: adjusted volume schedule"

HEADER = (
    "Period",
    "Days",
    "Purchased P (ccf)",
    "Diverted D (ccf)",
    "Share f",
    "Credited D×f (ccf)",
    "Billed B (ccf)",
    "Service charge",
    "Volume charge, unadjusted",
    "Volume charge, adjusted",
    "Sewer Allowance Credit",
)
SURCHARGE_HEADER = "Surcharge"
TERMS_HEADER = "Terms"
PREVIEW_MARK = (
    "PREVIEW, NOT ISSUED: these are today's figures, not a schedule sent to the customer."
)
# Column widths in inches, in HEADER order; the period column takes what is left.
_WIDTHS = (0.0, 0.42, 0.76, 0.74, 0.55, 0.78, 0.74, 0.74, 0.86, 0.86, 0.86)
_SURCHARGE_WIDTH = 0.78
_TERMS_WIDTH = 0.5
_RIGHT = range(1, 12)


def render_schedule(snapshot: ScheduleDocument, *, preview: bool = False) -> bytes:
    """The schedule as PDF bytes (US Letter, landscape); same snapshot, same bytes.
    `preview`: a schedule not issued, marked so at the top and on every page."""
    fingerprint = snapshot.sha256()
    reference = f"Application {snapshot.application_no} · account {snapshot.addressee.account_no}"
    if preview:
        reference = f"PREVIEW, NOT ISSUED · {reference}"
    elif snapshot.version:
        reference = f"{reference} · version {snapshot.version}"
    setup = PageSetup(
        title=TITLE,
        subject=f"Adjusted volume schedule for application {snapshot.application_no}, "
        f"account {snapshot.addressee.account_no}",
        reference=reference,
        fingerprint=fingerprint,
        footer_note=snapshot.ordinance,
        pagesize=styles.LETTER_LANDSCAPE,
        side_margin=styles.SCHEDULE_MARGIN_SIDE,
        top_margin=styles.SCHEDULE_MARGIN_TOP,
    )
    return build_pdf(setup, _story(snapshot, fingerprint, preview))


def _version_text(s: ScheduleDocument) -> str:
    covered = f"billing periods {s.rows[0].start.isoformat()} to {s.rows[-1].end.isoformat()}"
    text = f"{s.version}, issued {format_date_long(s.prepared_on)}, covering {covered}"
    if s.version_note:
        text += f"; {s.version_note}"
    return text + "."


def _story(s: ScheduleDocument, fingerprint: str, preview: bool = False) -> list[Flowable]:
    width = styles.LETTER_LANDSCAPE[0] - 2 * styles.SCHEDULE_MARGIN_SIDE
    info_width = 0.62 * width  # label/value pairs need not span the whole page
    version = [("Version", _version_text(s))] if s.version and s.rows and not preview else []
    story: list[Flowable] = [
        para("Adjusted volume schedule", "heading", width=width),
        *([para(PREVIEW_MARK, "subheading", width=width)] if preview else []),
        reference_table(
            [
                ("Customer", s.addressee.customer_name),
                ("Service address", s.addressee.service_address),
                ("Application / account", f"{s.application_no} / {s.addressee.account_no}"),
                ("Category", s.category_label),
                ("Customer class", s.customer_class_label),
                ("Method", s.method_label),
                *((p.label, p.value) for p in s.method_parameters),
                ("Effective date", f"{format_date_long(s.effective_on)} (signature date)"),
                ("Prepared on", format_date_long(s.prepared_on)),
                *version,
            ],
            info_width,
        ),
        Gap(1, 6),
        *_terms(s, width),
        *section("Rates and rounding used", width),
        grid(
            ["Rate or rule", "Value", "Section", "In force from"],
            [
                [
                    r.label,
                    r.value,
                    r.citation,
                    r.effective_on.isoformat() if r.effective_on else "",
                ]
                for r in s.rates
            ],
            [2.4 * inch, 2.2 * inch, width - 5.8 * inch, 1.2 * inch],
        ),
        Gap(1, 3),
        para(s.volume_rounding_label, "small", width=width),
        *_periods_heading(s, width),
        _table(s, width),
    ]
    if not s.has_surcharge and s.surcharge_note:
        story.append(para(s.surcharge_note, "small", width=width))
    flagged = [row for row in s.rows if row.note]
    if flagged:
        story += [
            *section("Period notes", width),
            *bullets(f"{_period(row)}: {row.note}" for row in flagged),
        ]
    if s.worked_example:
        lines = len(s.worked_example) + 2  # the heading and some wrapping
        story += [
            *section("Worked example", width, min_space=lines * styles.BODY_LEADING),
            *(para(line, "body-tight", width=width) for line in s.worked_example),
        ]
    if s.notes:
        story += [*section("Notes", width), *bullets(s.notes)]
    story += [
        *section("Sections cited", width),
        para("; ".join(s.citations) + ".", "body-tight", width=width),
        Gap(1, 6),
        para(
            "Fingerprint of this schedule's record (sha256): " + fingerprint, "small", width=width
        ),
    ]
    return story


def _periods_heading(s: ScheduleDocument, width: float) -> list[Flowable]:
    """The table's heading. A schedule with versions or several terms keeps it with the
    table's first rows (never alone at a page's foot); one issued before them lays out as
    it did, so its reprint stays byte-identical."""
    if not (s.version or s.terms):
        return [para("Billing periods", "subheading-table", width=width)]
    return section("Billing periods", width, min_space=5 * styles.BODY_LEADING + 40)


def _terms(s: ScheduleDocument, width: float) -> list[Flowable]:
    """The terms in force over the credit's life, when an amendment made more than one:
    each row of the table below names the terms it was credited under."""
    if not s.terms:
        return []
    rows = []
    for t in s.terms:
        if t.in_force_to is None:
            in_force = f"from {t.in_force_from.isoformat()}"
        else:
            in_force = f"{t.in_force_from.isoformat()} to {t.in_force_to.isoformat()}"
        rows.append(
            [
                t.label,
                in_force,
                format_date_long(t.signed_on),
                t.method_label,
                "; ".join(f"{p.label}: {p.value}" for p in t.parameters),
            ]
        )
    return [
        *section("Terms in force", width),
        grid(
            ["Terms", "In force", "Signed", "Method", "Parameters"],
            rows,
            [0.6 * inch, 1.9 * inch, 1.5 * inch, 1.5 * inch, width - 5.5 * inch],
        ),
        Gap(1, 3),
        para(
            "Each billing period below is credited under the terms in force on its days; a "
            "period whose terms changed inside it is one line: the credited volumes of its "
            "days under each set of terms are added up, and the water purchased and its "
            "unadjusted charge count once.",
            "small",
            width=width,
        ),
        Gap(1, 6),
    ]


def _period(row: ScheduleLine) -> str:
    return f"{row.start.isoformat()} – {row.end.isoformat()}"


def _table(s: ScheduleDocument, width: float):
    surcharge = s.has_surcharge
    terms = bool(s.terms)
    header = [*HEADER, SURCHARGE_HEADER] if surcharge else list(HEADER)
    widths = [w * inch for w in _WIDTHS] + ([_SURCHARGE_WIDTH * inch] if surcharge else [])
    if terms:
        header.insert(1, TERMS_HEADER)
        widths.insert(1, _TERMS_WIDTH * inch)
    widths[0] = width - sum(widths)
    rows = []
    for row in s.rows:
        cells = [
            _period(row) + (" *" if row.note else ""),
            str(row.days),
            row.purchased_ccf,
            row.diverted_ccf,
            row.credited_share,
            row.credited_ccf,
            row.billed_ccf,
            format_usd(row.service_charge_cents),
            format_usd(row.volume_charge_unadjusted_cents),
            format_usd(row.volume_charge_cents),
            format_usd(row.credit_cents),
        ]
        if surcharge:
            cells.append(
                format_usd(row.surcharge_cents) if row.surcharge_cents is not None else "n/a"
            )
        if terms:
            cells.insert(1, row.terms)
        rows.append(cells)
    t = s.totals
    totals = [
        "Totals",
        str(t.days),
        t.purchased_ccf,
        t.diverted_ccf,
        "",
        t.credited_ccf,
        t.billed_ccf,
        format_usd(t.service_charge_cents),
        format_usd(t.volume_charge_unadjusted_cents),
        format_usd(t.volume_charge_cents),
        format_usd(t.credit_cents),
    ]
    if surcharge:
        totals.append(format_usd(t.surcharge_cents) if t.surcharge_cents is not None else "n/a")
    if terms:
        totals.insert(1, "")
    rows.append(totals)
    right = range(2, len(header)) if terms else _RIGHT
    return grid(header, rows, widths, right_columns=right, bold_last_row=True)
