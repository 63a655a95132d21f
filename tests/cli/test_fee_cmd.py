"""`kcsac fee`: the fee in force, as text or JSON; exit 2 usage, 3 rule refusal."""

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from kcsac.app import main
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        status = main(["fee", *args])
    except SystemExit as exc:  # argparse's usage errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_fee_json_in_a_subprocess():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kcsac",
            "fee",
            "car-wash",
            "--class",
            "resident",
            "--on",
            "2026-08-20",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "category": "car-wash",
        "class": "resident",
        "fee": "250.00",
        "citation": "Code sec. 60-2(2)(c)",
        "ordinance": "Ordinance 260209",
        "effective": "2026-05-01",
    }


RESIDENT = {
    "car-wash": "250.00",
    "laundry": "250.00",
    "evaporation": "600.00",
    "irrigation": "600.00",
    "ownership-change": "600.00",
    "water-to-product": "1250.00",
    "other": "1250.00",
    "sewer-metering": "1250.00",
}


@pytest.mark.parametrize("customer_class", [c.value for c in CustomerClass])
@pytest.mark.parametrize("category", [c.value for c in Category])
def test_every_category_and_class(capsys, category, customer_class):
    args = (category, "--class", customer_class, "--on", "2026-05-01", "--json")
    status, out, err = run(capsys, *args)
    if customer_class in ("nonresident-metered", "nonresident-flat"):
        assert (status, out) == (3, "")
        assert err.count("\n") == 1
        assert "does not apply to the class" in err
        return
    if customer_class != "resident" and category == "ownership-change":
        assert (status, out) == (3, "")
        assert err.count("\n") == 1
        assert "sets no ownership change fee for nonresident accounts" in err
        return
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["fee"] == RESIDENT[category]
    assert data["class"] == customer_class
    expected = "Code sec. 60-2(2)(c)" if customer_class == "resident" else "Code sec. 60-3(a)(6)"
    assert data["citation"] == expected


def test_text_output_names_fee_citation_and_ordinance(capsys):
    status, out, _ = run(
        capsys, "water-to-product", "--class", "nonresident-direct", "--on", "2026-09-01"
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Application", "fee", "$1,250.00"]
    assert "Code sec. 60-3(a)(6)" in out
    assert "Ordinance 260209, in force from 2026-05-01" in out
    assert "Received on      2026-09-01" in lines


def test_on_defaults_to_today(capsys):
    status, out, err = run(capsys, "laundry", "--class", "resident", "--json")
    if date.today() < date(2026, 5, 1):  # the machine's clock is before the ordinance
        assert status == 3
        return
    assert (status, err) == (0, "")
    assert json.loads(out)["fee"] == "250.00"


def test_a_date_before_the_ordinance_is_a_rule_refusal(capsys):
    status, out, err = run(capsys, "other", "--class", "resident", "--on", "2026-04-30")
    assert (status, out) == (3, "")
    assert err == (
        "kcsac fee: no rate table is in force on 2026-04-30: kcsac holds rates from 2026-05-01 "
        "(Ordinance 260209)\n"
    )


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("car-was", "--class", "resident"), "invalid choice: 'car-was'"),
        (("car-wash", "--class", "residential"), "invalid choice: 'residential'"),
        (("car-wash",), "the following arguments are required: --class"),
        (("car-wash", "--class", "resident", "--on", "08/20/2026"), "is not a date"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, args, text):
    status, out, err = run(capsys, *args)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("kcsac fee: ")
    assert text in err


@pytest.mark.parametrize(
    ("customer_class", "citation", "why"),
    [
        (
            "nonresident-metered",
            "Code sec. 60-3(a)(1)",
            "(nonresident, metered municipal interconnection): bulk flow through a metered "
            "municipal interconnection is billed on the metered flow",
        ),
        (
            "nonresident-flat",
            "Code sec. 60-3(a)(3)",
            "(nonresident, no consumption records): the flat charge per dwelling unit is not "
            "based on water purchased",
        ),
    ],
)
@pytest.mark.parametrize("json_flag", [(), ("--json",)])
def test_a_class_the_adjustment_does_not_apply_to_is_refused(
    capsys, customer_class, citation, why, json_flag
):
    """RULES.md rule 7 and "Customer classes": no application is taken and no fee is
    assessed, so `kcsac fee` quotes none: exit 3, one line with the section."""
    status, out, err = run(
        capsys, "car-wash", "--class", customer_class, "--on", "2026-08-20", *json_flag
    )
    assert (status, out) == (3, "")
    assert err == (
        "kcsac fee: A diverted-water sewer volume adjustment does not apply to the class "
        f"{customer_class} {why}. No application is taken and no fee is assessed "
        f"({citation})\n"
    )
