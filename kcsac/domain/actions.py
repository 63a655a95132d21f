"""Which actions a person may take on a file now, and why not: the one home of that rule.

    answer = available_actions(detail, user)   # {Action: None (allowed) or the reason}
    refusal(Action.REVIEW, facts, user)        # a Refusal (reason, by_person, blockers) or None
    next_step(facts, user)                     # the next thing to do, and who does it

Built from the status transitions (kcsac.domain.workflow.TRANSITIONS, applied by
`workflow.moved`), the role permissions (kcsac.domain.roles) and separation of duties (whoever
entered any version of unsigned terms cannot sign them). The desk enables its actions and
writes their tips and its "Next step" panel from these answers; every operation checks its
precondition with `refusal` (through kcsac.operations.permits), so the two cannot disagree.
A reason says why in plain words and who may, e.g. "You cannot record reviews: your role is
clerk; only a reviewer (the director's representative) or the director can."
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kcsac.domain.category import Category
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.records import (
    ApplicationDetail,
    Blocker,
    Determination,
    Review,
    ReviewResult,
    SacApplication,
    User,
)
from kcsac.domain.roles import Permission, person_refusal, who_may
from kcsac.domain.status import Status
from kcsac.domain.workflow import (
    DECIDED,
    OPEN_STATUSES,
    UNDECIDED,
    can_move,
    latest_reviews,
    required_reviews,
)


class Action(StrEnum):
    """Every desk action that depends on the file shown or on the person signed in (the
    value is the desk's name for it, kcsac.ui.desk_actions.DESK_ACTIONS)."""

    NEW = "new"
    RESUME = "resume"
    PAYMENT = "payment"
    REVIEW = "review"
    METER = "meter"
    READING = "reading"
    DETERMINATION = "determination"
    PAPERWORK = "documents"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    DENY = "deny"
    AMEND = "amend"
    OWNERSHIP = "ownership"
    SET_FEE = "set_fee"
    REOPEN = "reopen"
    REVOKE = "revoke"
    LETTER = "letter"
    SCHEDULE = "schedule"
    EXPORT = "export"
    ADMINISTRATION = "administration"


@dataclass(frozen=True)
class _Who:
    """Who may take an action: the permission it needs (None: any active kcsac user), the
    words for it ("You cannot {doing}"), whether a read-only login may (`read_only`), and
    whether it acts on one file (`on_file`)."""

    permission: Permission | None
    doing: str
    read_only: bool = False
    on_file: bool = True


_PEOPLE: dict[Action, _Who] = {
    Action.NEW: _Who(Permission.EDIT_RECORDS, "create applications", on_file=False),
    Action.RESUME: _Who(Permission.EDIT_RECORDS, "change applications"),
    Action.PAYMENT: _Who(Permission.EDIT_RECORDS, "record payments"),
    Action.REVIEW: _Who(Permission.RECORD_REVIEW, "record reviews"),
    Action.METER: _Who(Permission.EDIT_RECORDS, "add meters"),
    Action.READING: _Who(Permission.EDIT_RECORDS, "record readings"),
    Action.DETERMINATION: _Who(Permission.ENTER_DETERMINATION, "enter determinations"),
    Action.PAPERWORK: _Who(Permission.EDIT_RECORDS, "change applications"),
    Action.WITHDRAW: _Who(Permission.EDIT_RECORDS, "withdraw applications"),
    Action.APPROVE: _Who(Permission.SIGN, "sign approvals"),
    Action.DENY: _Who(Permission.SIGN, "deny applications"),
    Action.AMEND: _Who(Permission.ENTER_DETERMINATION, "enter determinations"),
    Action.OWNERSHIP: _Who(Permission.EDIT_RECORDS, "record ownership changes"),
    Action.SET_FEE: _Who(Permission.SET_FEE, "set a fee"),
    Action.REOPEN: _Who(Permission.REOPEN, "reopen denied applications"),
    Action.REVOKE: _Who(Permission.REVOKE, "revoke credits"),
    # A letter is issued with its decision: a read-only login may print it.
    Action.LETTER: _Who(None, "print letters", read_only=True),
    # A read-only login may print a schedule once a kcsac user has issued it.
    Action.SCHEDULE: _Who(None, "issue schedules", read_only=True),
    Action.EXPORT: _Who(None, "export letters and schedules", on_file=False),
    Action.ADMINISTRATION: _Who(
        Permission.ADMINISTER, "administer users and settings", on_file=False
    ),
}

NO_FILE = "Select an application first"
READ_ONLY = (
    "kcsac is read-only for you: your login is not a kcsac user. Ask the administrator to add you."
)
SEPARATION_OF_DUTIES = (
    "You entered these terms; another reviewer or the director must sign them "
    "(separation of duties)"
)


@dataclass(frozen=True)
class FileFacts:
    """What the rules read about one file: the application, its reviews, its current
    determination, how many meters it has, what keeps anyone from signing it (the workflow's
    and the stored rules' blockers: fee, reviews, eligibility, ownership change ...), and
    whether the schedule of its current approval is issued."""

    application: SacApplication
    reviews: tuple[Review, ...] = ()
    determination: Determination | None = None
    meters: int = 0
    signing_blockers: tuple[Blocker, ...] = ()
    schedule_issued: bool = False

    @classmethod
    def of(cls, detail: ApplicationDetail) -> "FileFacts":
        return cls(
            application=detail.application,
            reviews=detail.reviews,
            determination=detail.current_determination,
            meters=len(detail.meters),
            signing_blockers=detail.signing_blockers,
            schedule_issued=detail.schedule_issued,
        )


@dataclass(frozen=True)
class Refusal:
    """Why an action is not available: `reason` in plain words (saying who may); `by_person`
    when the person (login, role, active flag) is the reason (an operation raises
    NotPermitted), else the file's state is (Refused). For signing, `blockers` lists each
    thing in the way and `reason` is f"{headline}: " followed by their messages."""

    reason: str
    by_person: bool = False
    blockers: tuple[Blocker, ...] = ()
    headline: str = ""


def who_takes(action: Action) -> str:
    """Who may take `action`, e.g. "the director"."""
    return who_may(_PEOPLE[action].permission)


def permission_of(action: Action) -> Permission | None:
    """The permission `action` needs (None: any active kcsac user, or anyone for LETTER and
    SCHEDULE)."""
    return _PEOPLE[action].permission


def doing(action: Action) -> str:
    """The words for taking `action` ("record reviews"), as its refusals say them."""
    return _PEOPLE[action].doing


def person_reason(action: Action, user: User | None) -> str | None:
    """Why `user` (None: a read-only login) may not take `action` whatever the file; None
    when their role allows it."""
    who = _PEOPLE[action]
    if user is None and who.read_only:
        return None
    return person_refusal(
        user.login if user else None,
        user.role if user else None,
        user.active if user else False,
        who.permission,
        who.doing,
    )


def refusal(action: Action, facts: FileFacts | None, user: User | None) -> Refusal | None:
    """Why `user` may not take `action` on the file `facts` (None: no file selected) now, or
    None when they may. The person comes first (a read-only login is told so), then the file."""
    why = person_reason(action, user)
    if why:
        return Refusal(why, by_person=True)
    if not _PEOPLE[action].on_file:
        return None
    if facts is None:
        return Refusal(NO_FILE)
    return _FILE_RULES[action](facts, user)


def available_actions(
    detail: ApplicationDetail | None, user: User | None
) -> dict[Action, str | None]:
    """Every Action: None when `user` may take it on `detail` (None: no file) now, else the
    reason in plain words, saying who may."""
    facts = FileFacts.of(detail) if detail is not None else None
    answer: dict[Action, str | None] = {}
    for action in Action:
        found = refusal(action, facts, user)
        answer[action] = found.reason if found else None
    return answer


# --- the file's part of each rule --------------------------------------------------------------


def _is(app: SacApplication) -> str:
    return f"Application {app.number} is {app.status.label.lower()}"


def _amendment_pending(facts: FileFacts) -> bool:
    d = facts.determination
    return facts.application.status is Status.APPROVED and d is not None and not d.locked


def _resume(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.DRAFT:
        return None
    if app.status is Status.WITHDRAWN:
        return Refusal(f"{_is(app)}; only a draft is continued in the wizard")
    return Refusal(
        f"Application {app.number} is already submitted ({app.status.label.lower()}); only a "
        "draft is continued in the wizard"
    )


def payment_needs_reason(app: SacApplication, amount_cents: int) -> str:
    """Why taking this payment needs a confirmed reason ("" when it does not): a payment on
    a withdrawn file, or more than the balance owed. The payment dialog asks for the reason
    when this says so; operations.payments.record_payment refuses without it."""
    if app.status is Status.WITHDRAWN:
        return f"Application {app.number} is withdrawn"
    owed = (app.fee_cents or 0) - app.paid_cents
    if amount_cents > owed:
        return (
            f"The amount ({format_usd(amount_cents)}) is more than the balance owed "
            f"({format_usd(owed)})"
        )
    return ""


def _payment(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.DRAFT:
        return Refusal(f"Application {app.number} is not submitted yet; submit it first")
    if app.fee_cents is None:
        return Refusal(
            f"No fee is set for application {app.number}: {app.fee_note or 'not assessed'}; "
            f"{who_takes(Action.SET_FEE)} sets it first"
        )
    if app.status in DECIDED:
        return Refusal(f"{_is(app)}; its fee is no longer taken")
    # More than the balance (say, paid twice at two desks), or on a withdrawn file: taken
    # with a confirmed reason (payment_needs_reason), so that every receipt is on file.
    return None


def _review(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.category is Category.OWNERSHIP_CHANGE:
        return Refusal("An ownership change carries over the prior credit's reviews; it needs none")
    if app.status not in UNDECIDED:
        return Refusal(
            f"{_is(app)}; reviews are recorded once it is submitted and before it is decided"
        )
    return None


def _meter(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status not in OPEN_STATUSES and app.status is not Status.APPROVED:
        return Refusal(f"{_is(app)}; meters are added to an open application or an approved credit")
    return None


def _reading(facts: FileFacts, _user: User | None) -> Refusal | None:
    if facts.meters == 0:
        app = facts.application
        return Refusal(f"Application {app.number} has no meter yet; add one first (Add meter)")
    return None


def _determination(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.category is Category.OWNERSHIP_CHANGE:
        return Refusal("An ownership change carries over the prior credit's determination")
    if app.status not in UNDECIDED and app.status is not Status.APPROVED:
        return Refusal(f"{_is(app)}; no determination can be entered now")
    d = facts.determination
    if app.status is not Status.APPROVED and d is not None and d.locked:
        return Refusal("The determination is signed; it changes only by amendment")
    return None


def _paperwork(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.DRAFT:
        return Refusal(
            f"Application {app.number} is a draft: its paperwork is ticked in the wizard "
            "(Continue draft)"
        )
    if app.status not in UNDECIDED:
        return Refusal(
            f"{_is(app)}; it can no longer be edited (a decided file changes only by "
            "amendment, reopening or revocation)"
        )
    return None


def _withdraw(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.WITHDRAWN or not can_move(app.status, Status.WITHDRAWN):
        return Refusal(f"{_is(app)}; it cannot be withdrawn")
    return None


def signer_blockers(facts: FileFacts, user: User | None) -> list[Blocker]:
    """What keeps `user` in person from signing this file: their role, and separation of
    duties (whoever entered any version of the unsigned terms cannot sign them)."""
    why = person_reason(Action.APPROVE, user)
    if why:
        return [Blocker(why)]
    d = facts.determination
    if (
        user is not None
        and facts.application.category is not Category.OWNERSHIP_CHANGE
        and d is not None
        and not d.locked
        and user.login in d.entered_by_all
    ):
        return [Blocker(SEPARATION_OF_DUTIES)]
    return []


def _approve(facts: FileFacts, user: User | None) -> Refusal | None:
    app = facts.application
    if app.status not in UNDECIDED and not _amendment_pending(facts):
        if app.status is Status.APPROVED:
            return Refusal(f"{_is(app)}; nothing to sign until an amendment is entered")
        return Refusal(f"{_is(app)}; nothing to sign")
    blockers = (*signer_blockers(facts, user), *facts.signing_blockers)
    if blockers:
        headline = f"Application {app.number} cannot be signed yet"
        reason = f"{headline}: {'; '.join(b.message for b in blockers)}"
        return Refusal(reason, blockers=blockers, headline=headline)
    if not _amendment_pending(facts) and not can_move(app.status, Status.APPROVED):
        return Refusal(f"{_is(app)}, not awaiting a decision")
    return None


def _deny(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.DENIED or not can_move(app.status, Status.DENIED):
        return Refusal(f"{_is(app)}; only a submitted, undecided application can be denied")
    return None


def _amend(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.category is Category.OWNERSHIP_CHANGE:
        return Refusal("An ownership change carries over the prior credit's determination")
    if app.status is not Status.APPROVED:
        return Refusal(f"{_is(app)}; only an approved credit is amended")
    return None


def _ownership(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.ENDED or not can_move(app.status, Status.ENDED):
        return Refusal(f"{_is(app)}, not an approved credit")
    if app.category is Category.OWNERSHIP_CHANGE:
        return Refusal(
            f"Application {app.number} is itself an ownership change: kcsac moves a credit "
            "to a new owner from the application approved with its terms"
        )
    return None


def _set_fee(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status not in UNDECIDED:
        return Refusal(f"Application {app.number} is not awaiting its fee")
    if app.fee_cents is not None:
        return Refusal(
            f"The fee of application {app.number} is set by the ordinance ({app.fee_note})"
        )
    return None


def _reopen(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is not Status.DENIED:
        return Refusal(f"{_is(app)}, not denied")
    return None


def _revoke(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status is Status.REVOKED or not can_move(app.status, Status.REVOKED):
        return Refusal(f"{_is(app)}, not an approved credit")
    return None


def _letter(facts: FileFacts, _user: User | None) -> Refusal | None:
    app = facts.application
    if app.status not in DECIDED:
        return Refusal(f"{_is(app)}; a letter is issued with its decision")
    return None


def _schedule(facts: FileFacts, user: User | None) -> Refusal | None:
    """Looking at a credit's schedule versions, previewing and reprinting write nothing, so
    anyone may; issuing a version asks its own question in the schedule's window."""
    app = facts.application
    if app.status not in (Status.APPROVED, Status.REVOKED, Status.ENDED):
        return Refusal(f"{_is(app)}; a schedule is printed for an approved credit")
    return None


_FILE_RULES: dict[Action, Callable[[FileFacts, User | None], Refusal | None]] = {
    Action.RESUME: _resume,
    Action.PAYMENT: _payment,
    Action.REVIEW: _review,
    Action.METER: _meter,
    Action.READING: _reading,
    Action.DETERMINATION: _determination,
    Action.PAPERWORK: _paperwork,
    Action.WITHDRAW: _withdraw,
    Action.APPROVE: _approve,
    Action.DENY: _deny,
    Action.AMEND: _amend,
    Action.OWNERSHIP: _ownership,
    Action.SET_FEE: _set_fee,
    Action.REOPEN: _reopen,
    Action.REVOKE: _revoke,
    Action.LETTER: _letter,
    Action.SCHEDULE: _schedule,
}


# --- the next step ------------------------------------------------------------------------------

_METERED = frozenset({Method.DEDUCT_METER, Method.SEWER_METER})


@dataclass(frozen=True)
class NextStep:
    """The one next thing to do with a file (`text`), the action that does it (None: nothing
    to do) and who takes it; `refusal` says why this person may not take it (their role, a
    read-only login, separation of duties; None when they may), `blocked` what else about the
    file stands in the way beyond the file's own blockers (e.g. no meter yet)."""

    text: str
    action: Action | None = None
    who: str = ""
    refusal: str | None = None
    blocked: str | None = None

    @property
    def line(self) -> str:
        """The step as the desk says it: never asking a person to do what they may not."""
        if self.refusal is None or not self.who:
            return self.text
        return f"{self.text}, by {self.who}"


def step_of(facts: FileFacts) -> NextStep:
    """The next step of the file, for anyone (who takes it, not yet whether you may)."""
    app, d = facts.application, facts.determination

    def step(text: str, action: Action | None = None) -> NextStep:
        return NextStep(text, action, who_takes(action) if action else "")

    if app.status is Status.DRAFT:
        return step("Complete the application and submit it", Action.RESUME)
    if app.status is Status.AWAITING_FEE:
        if app.fee_cents is None:
            return step("Set the fee the ordinance does not set", Action.SET_FEE)
        return step("Record the fee payment", Action.PAYMENT)
    if app.status is Status.IN_REVIEW:
        due = _reviews_due(app, facts.reviews)
        if due:
            return step(due, Action.REVIEW)
        return step("Enter the determination (method and parameters)", Action.DETERMINATION)
    if app.status is Status.AWAITING_DECISION:
        return step("Approve (sign) or deny", Action.APPROVE)
    if app.status is Status.APPROVED:
        if d is not None and not d.locked:
            return step("Sign the amendment", Action.APPROVE)
        if d is not None and d.method in _METERED:
            return step("Record the meter readings each billing period", Action.READING)
        return step("Nothing due: the credit applies to each bill from the effective date")
    if app.status is Status.DENIED:
        return step("Nothing (the director may reopen it, with a reason)")
    return step("Nothing: the file is closed")


def next_step(facts: FileFacts, user: User | None) -> NextStep:
    """The file's next step, and whether `user` may take it (if not: why, and who may)."""
    found = step_of(facts)
    if found.action is None:
        if user is None:  # nothing to do: but a read-only login is told it is read-only
            return NextStep(found.text, refusal=READ_ONLY)
        return found
    why = refusal(found.action, facts, user)
    if why is None:
        return found
    if why.by_person:
        return NextStep(found.text, found.action, found.who, refusal=why.reason)
    if why.blockers:  # signing: the person's part (separation of duties) is theirs to know
        own = [b.message for b in why.blockers if b not in facts.signing_blockers]
        who = "another reviewer or the director" if SEPARATION_OF_DUTIES in own else found.who
        return NextStep(found.text, found.action, who, refusal="; ".join(own) or None)
    return NextStep(found.text, found.action, found.who, blocked=why.reason)


def _reviews_due(app: SacApplication, reviews: tuple[Review, ...]) -> str:
    """ "Record the plan review and installation inspection": the reviews still missing or
    failed ("" when all passed)."""
    latest = latest_reviews(reviews)
    missing, failed = [], []
    for kind in required_reviews(app.category):
        review = latest.get(kind)
        if review is None:
            missing.append(kind.label.lower())
        elif review.result is ReviewResult.FAILED:
            failed.append(kind.label.lower())
    parts = []
    if missing:
        parts.append(f"Record the {_and(missing)}")
    if failed:
        parts.append(f"record a passing {_and(failed)} (or deny)")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
