"""Citations and the ordinance's own wording, shared by checks, help text and letters."""

ORDINANCE = "Ordinance 260209"

# Kansas City Code of Ordinances, ch. 60, as re-enacted by Ordinance 260209. One style for
# every level: parenthesised, as the ordinance itself writes "60-2 (2)(b)" (its lettered
# paragraphs "a." are written "(a)" here, as everywhere else).
SEC_60_2_1_A = "Code sec. 60-2(1)(a)"
SEC_60_2_2 = "Code sec. 60-2(2)"
SEC_60_2_2_B = "Code sec. 60-2(2)(b)"
SEC_60_2_2_C = "Code sec. 60-2(2)(c)"
SEC_60_2_3 = "Code sec. 60-2(3)"
SEC_60_2_4 = "Code sec. 60-2(4)"
SEC_60_3_A_1 = "Code sec. 60-3(a)(1)"
SEC_60_3_A_2 = "Code sec. 60-3(a)(2)"
SEC_60_3_A_3 = "Code sec. 60-3(a)(3)"
SEC_60_3_A_4 = "Code sec. 60-3(a)(4)"
SEC_60_3_A_5 = "Code sec. 60-3(a)(5)"
SEC_60_3_A_6 = "Code sec. 60-3(a)(6)"
SEC_60_3_B = "Code sec. 60-3(b)"
ART_IV = "Code ch. 60, art. IV"
# Not in Ordinance 260209: the basis for pricing fractional ccf pro rata (a reading).
SEC_78_4_1 = "Code sec. 78-4.1 (Ord. 190167)"

_PREFIX = "Code sec. "


def cites(*citations: str) -> str:
    """Join section citations: `Code secs. 60-2(2)(c), 60-3(a)(6)`."""
    if len(citations) == 1:
        return citations[0]
    if all(c.startswith(_PREFIX) for c in citations):
        return "Code secs. " + ", ".join(c.removeprefix(_PREFIX) for c in citations)
    return "; ".join(citations)


# kcsac's one wording of the ordinance's definition of a month (60-2(4), 60-3(b): "a time
# period of approximately 30 days") and of the proration; every document says it this way.
MONTH_ABOUT_30_DAYS = "a month is about 30 days; charges are prorated per day"

# The ordinance's words, quoted exactly (a test checks each against the ordinance text).
COMMERCIAL_ACCOUNTS = (
    "Commercial and industrial water accounts are all water service accounts other than "
    "residential accounts (one- and two-family dwellings) as defined in 60-2 (2)(b)."
)
FEE_BEFORE_ADJUSTMENT = (
    "An application and the appropriate fee must be submitted prior to any sewer use volume "
    "adjustment."
)
FEE_PURPOSE = (
    "The application fee is to pay for site review, plan review, and installation inspection."
)
DIRECTOR_DETERMINES = (
    "The director of the water services department or the director's representative shall make "
    "the determinations of fact as to the amount of water which is diverted and shall have "
    "authority to adjust the sewer use volume billed on the basis of the facts ascertained."
)
EFFECTIVE_ON_SIGNATURE = (
    "The SAC or sewer metering account will be effective upon the date of the director's "
    "signature for approval."
)
STORM_SEWER_EXCLUDED = (
    "Discharges to the storm sewer system are not allowed except per Chapter 61 and are not "
    "allowed to participate in the diverted water sewer use volume adjustment program."
)
PRORATED_PER_DAY = "Charges shall be prorated per day during the billing period."
PORTION_THEREOF = "per 100 cubic feet (ccf), or a portion thereof"
