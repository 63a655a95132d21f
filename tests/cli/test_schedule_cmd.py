"""`kcsac schedule`: the worked examples to the cent, the table, and every kind of bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kcsac.app import main

EXAMPLE_1 = "start,end,purchased_ccf\n2026-08-01,2026-08-31,96\n"
EXAMPLE_2 = "start,end,purchased_ccf,diverted_ccf\n2026-06-01,2026-06-30,140,38.25\n"


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, name: str = "periods.csv") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        status = main(["schedule", *args])
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def example_1_args(path: Path) -> list[str]:
    return [
        "--class",
        "resident",
        "--effective",
        "2026-08-12",
        "--method",
        "percentage",
        "--percent",
        "15",
        "--periods",
        str(path),
    ]


def test_example_1_in_a_subprocess(csv_file):
    path = csv_file(EXAMPLE_1)
    result = subprocess.run(
        [sys.executable, "-m", "kcsac", "schedule", *example_1_args(path), "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data == {
        "class": "resident",
        "method": "percentage",
        "effective": "2026-08-12",
        "volume_rounding": "pro-rata",
        "periods": [
            {
                "start": "2026-08-01",
                "end": "2026-08-31",
                "days": 31,
                "factor": "20/31",
                "purchased_ccf": "96.00",
                "diverted_ccf": "14.40",
                "credited_ccf": "9.290323",
                "billed_ccf": "86.709677",
                "service_charge": "33.09",
                "volume_charge_unadjusted": "1238.40",
                "volume_charge": "1118.55",
                "credit": "119.85",
                "surcharge": None,
            }
        ],
        "totals": {
            "service_charge": "33.09",
            "volume_charge_unadjusted": "1238.40",
            "volume_charge": "1118.55",
            "credit": "119.85",
            "surcharge": None,
        },
    }


def test_example_2_deduct_meter_nonresident_direct(capsys, csv_file):
    path = csv_file(EXAMPLE_2)
    status, out, err = run(
        capsys,
        "--class",
        "nonresident-direct",
        "--effective",
        "2026-05-01",
        "--method",
        "deduct-meter",
        "--periods",
        str(path),
        "--json",
    )
    assert (status, err) == (0, "")
    [row] = json.loads(out)["periods"]
    assert (row["factor"], row["billed_ccf"]) == ("30/30", "101.75")
    assert (row["volume_charge"], row["volume_charge_unadjusted"]) == ("1747.05", "2403.80")
    assert (row["credit"], row["service_charge"]) == ("656.75", "45.10")


@pytest.mark.parametrize(
    ("rounding", "charge"), [(None, "96.49"), ("pro-rata", "96.49"), ("whole-ccf-up", "103.20")]
)
def test_example_3_rounding_modes(capsys, csv_file, rounding, charge):
    path = csv_file("start,end,purchased_ccf\n2026-06-01,2026-06-30,7.48\n")
    args = [
        "--class",
        "resident",
        "--effective",
        "2026-07-01",
        "--method",
        "percentage",
        "--percent",
        "10",
        "--periods",
        str(path),
        "--json",
    ]
    if rounding:
        args += ["--rounding", rounding]
    status, out, _ = run(capsys, *args)
    assert status == 0
    data = json.loads(out)
    assert data["volume_rounding"] == (rounding or "pro-rata")
    assert data["periods"][0]["volume_charge"] == charge
    assert data["periods"][0]["credit"] == "0.00"  # the period ends before the effective date


def test_example_4_surcharge_with_example_limits(capsys, csv_file):
    path = csv_file("start,end,purchased_ccf,bod,ss,og\n2026-06-01,2026-06-30,400,450,280,130\n")
    status, out, err = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "2026-07-01",
        "--method",
        "percentage",
        "--percent",
        "10",
        "--limits",
        "300,300,100",
        "--periods",
        str(path),
        "--json",
    )
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["periods"][0]["billed_ccf"] == "400.00"
    assert data["periods"][0]["surcharge"] == "247.73"
    assert data["totals"]["surcharge"] == "247.73"


def test_readable_table(capsys, csv_file):
    path = csv_file(EXAMPLE_1 + "2026-09-01,2026-09-30,80\n")
    status, out, _ = run(capsys, *example_1_args(path))
    assert status == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Period"))
    total = next(line for line in lines if line.startswith("Total"))
    rows = [line for line in lines if line.startswith("2026-0")]
    assert len(rows) == 2
    assert len({len(line) for line in [header, total, *rows]}) == 1  # aligned columns
    assert header.split()[-1] == "Surcharge"
    assert "$2,270.40" in total  # unadjusted 1238.40 + 1032.00 (September: 80 x 12.90)
    assert total.split()[-3] == "$274.65"  # credit 119.85 + 154.80; then "not set"
    assert "Volume rounding: pro-rata" in out
    assert "$32.02 per month" in out
    assert "Code sec. 60-2(1)(a)" in out
    assert "$12.90 per ccf" in out
    assert "Code sec. 60-2(2) " in out
    assert "(reading" in out
    assert "limits not set" in out


def data_errors(capsys, csv_file, text: str, *extra: str, method="percentage") -> tuple[int, str]:
    path = csv_file(text)
    args = [
        "--class",
        "resident",
        "--effective",
        "2026-06-01",
        "--method",
        method,
        *extra,
        "--periods",
        str(path),
    ]
    if method == "percentage" and "--percent" not in extra:
        args += ["--percent", "15"]
    status, out, err = run(capsys, *args)
    assert out == ""  # nothing on stdout on error
    return status, err.replace(str(path), "periods.csv")


HEAD = "start,end,purchased_ccf,diverted_ccf\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + "2026-06-01,2026-06-30,10,1\n2026-07-31,2026-07-01,10,1\n",
            [
                "periods.csv line 3: end 2026-07-01 is before start 2026-07-31 "
                "(2026-07-31 to 2026-07-01)"
            ],
        ),
        (
            HEAD + "2026-06-01,2026-06-30,10,1\n2026-06-20,2026-07-19,10,1\n",
            [
                "periods.csv line 3: start 2026-06-20 overlaps the period 2026-06-01 to 2026-06-30 "
                "(2026-06-20 to 2026-07-19)"
            ],
        ),
        (
            HEAD + "2026-06-01,2026-06-30,-10,1\n",
            ["periods.csv line 2: purchased_ccf -10 is negative (2026-06-01 to 2026-06-30)"],
        ),
        (
            HEAD + "2026-06-01,2026-06-30,ten,1\n",
            ["periods.csv line 2: purchased_ccf 'ten' is not a number"],
        ),
        (
            HEAD + "2026-05-01,2026-05-31,10,1\n2026-06-01,2026-06-30,10,1\n"
            "2026-07-01,2026-07-31,120,130\n",
            [
                "periods.csv line 4: diverted_ccf 130 exceeds purchased_ccf 120 "
                "(2026-07-01 to 2026-07-31)"
            ],
        ),
        (
            HEAD + "2026-06-01,2026-06-31,10,1\n\n2026-07-01,2026-07-31,10,-2\n",
            [
                "periods.csv line 2: end '2026-06-31' is not a date (YYYY-MM-DD)",
                "periods.csv line 4: diverted_ccf -2 is negative (2026-07-01 to 2026-07-31)",
            ],
        ),
        (HEAD, ["periods.csv line 2: no billing periods after the header"]),
    ],
)
def test_bad_csv_data_exits_4_one_line_per_problem(capsys, csv_file, text, expected):
    status, err = data_errors(capsys, csv_file, text, method="deduct-meter")
    assert status == 4
    assert err.splitlines() == expected


def test_percentage_diverted_column_not_needed_but_bad_values_still_reported(capsys, csv_file):
    status, err = data_errors(capsys, csv_file, "start,end,purchased_ccf\n2026-06-01,x,5\n")
    assert status == 4
    assert err.splitlines() == ["periods.csv line 2: end 'x' is not a date (YYYY-MM-DD)"]


def test_missing_column_is_a_usage_error(capsys, csv_file):
    status, err = data_errors(
        capsys,
        csv_file,
        "start,end,purchased_ccf\n2026-06-01,2026-06-30,5\n",
        method="deduct-meter",
    )
    assert status == 2
    assert err.splitlines() == [
        "periods.csv line 1: missing column diverted_ccf (needed by the deduct-meter method)"
    ]
    status, err = data_errors(capsys, csv_file, "start,purchased_ccf\n2026-06-01,5\n")
    assert (status, err) == (2, "periods.csv line 1: missing column end\n")


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        (("--percent", "0"), "kcsac schedule: --percent: percent 0 is outside 0 < p < 100"),
        (("--percent", "100"), "kcsac schedule: --percent: percent 100 is outside 0 < p < 100"),
        (("--percent", "150"), "kcsac schedule: --percent: percent 150 is outside 0 < p < 100"),
        (("--percent", "abc"), "argument --percent: 'abc' is not a number"),
        (("--percent", "15", "--limits", "300,300"), "is not BOD,SS,OG"),
        (("--percent", "15", "--rounding", "ceil"), "invalid choice: 'ceil'"),
    ],
)
def test_bad_options_are_usage_errors(capsys, csv_file, extra, text):
    status, err = data_errors(capsys, csv_file, EXAMPLE_1, *extra)
    assert status == 2
    assert err.count("\n") == 1
    assert text in err


def test_percent_missing_or_misplaced_is_a_usage_error(capsys, csv_file):
    path = csv_file(EXAMPLE_2)
    status, out, err = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "2026-05-01",
        "--method",
        "percentage",
        "--periods",
        str(path),
    )
    assert (status, out) == (2, "")
    assert err == "kcsac schedule: --percent: the percentage method needs a percent p\n"
    status, out, err = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "2026-05-01",
        "--method",
        "deduct-meter",
        "--percent",
        "5",
        "--periods",
        str(path),
    )
    assert (status, out) == (2, "")
    assert "applies only to the percentage method" in err


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("--class", "resident", "--method", "weekly"), "invalid choice: 'weekly'"),
        (("--class", "commercial", "--method", "fixed"), "invalid choice: 'commercial'"),
    ],
)
def test_unknown_names_are_usage_errors(capsys, csv_file, args, text):
    path = csv_file(EXAMPLE_1)
    status, out, err = run(capsys, *args, "--effective", "2026-06-01", "--periods", str(path))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert text in err


@pytest.mark.parametrize(
    ("customer_class", "citation"),
    [("nonresident-metered", "Code sec. 60-3(a)(1)"), ("nonresident-flat", "Code sec. 60-3(a)(3)")],
)
def test_a_class_without_an_adjustment_is_a_rule_refusal(
    capsys, csv_file, customer_class, citation
):
    path = csv_file(EXAMPLE_1)
    status, out, err = run(
        capsys,
        "--class",
        customer_class,
        "--effective",
        "2026-06-01",
        "--method",
        "percentage",
        "--percent",
        "15",
        "--periods",
        str(path),
    )
    assert (status, out) == (3, "")
    assert err.count("\n") == 1
    assert "does not apply" in err
    assert citation in err


def test_an_effective_date_before_the_ordinance_is_a_rule_refusal(capsys, csv_file):
    path = csv_file(EXAMPLE_1)
    status, out, err = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "2026-04-30",
        "--method",
        "percentage",
        "--percent",
        "15",
        "--periods",
        str(path),
    )
    assert (status, out) == (3, "")
    assert err == (
        "kcsac schedule: --effective 2026-04-30: no rate table is in force on 2026-04-30: "
        "kcsac holds rates from 2026-05-01 (Ordinance 260209)\n"
    )


def test_a_missing_file_is_a_file_problem(capsys, tmp_path):
    missing = tmp_path / "nope.csv"
    status, out, err = run(capsys, *example_1_args(missing))
    assert (status, out) == (1, "")
    assert err == f"kcsac schedule: cannot read {missing}: No such file or directory\n"


def test_sewer_meter_and_evaporation_columns(capsys, csv_file):
    path = csv_file("start,end,purchased_ccf,sewer_ccf\n2026-06-01,2026-06-30,100,110\n")
    status, out, _ = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "2026-06-01",
        "--method",
        "sewer-meter",
        "--periods",
        str(path),
        "--json",
    )
    row = json.loads(out)["periods"][0]
    assert (status, row["diverted_ccf"], row["billed_ccf"], row["credit"]) == (
        0,
        "-10.00",
        "110.00",
        "-129.00",
    )
    path = csv_file(
        "start,end,purchased_ccf,makeup_ccf,blowdown_ccf\n"
        "2026-06-01,2026-06-30,100,40,10\n2026-07-01,2026-07-30,100,10,40\n"
    )
    status, out, _ = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "2026-06-01",
        "--method",
        "deduct-meter",
        "--periods",
        str(path),
    )
    assert status == 0
    assert "meter error: blow-down above make-up; no credit" in out


def test_fixed_method_for_a_nonresident_unmetered_customer(capsys, csv_file):
    path = csv_file("start,end,purchased_ccf\n2026-06-01,2026-06-30,50\n2026-07-01,2026-07-31,50\n")
    status, out, err = run(
        capsys,
        "--class",
        "nonresident-unmetered",
        "--effective",
        "2026-07-17",
        "--method",
        "fixed",
        "--fixed-ccf",
        "15",
        "--periods",
        str(path),
        "--json",
    )
    assert (status, err) == (0, "")
    june, july = json.loads(out)["periods"]
    assert (june["factor"], june["credit"], june["service_charge"]) == ("0/30", "0.00", "20.43")
    assert july["factor"] == "15/31"
    assert july["diverted_ccf"] == "15.50"  # 15 x 31 / 30
    assert july["credited_ccf"] == "7.50"  # 15.5 x 15/31: 15 ccf per 30 days, 15 days
    assert (july["volume_charge"], july["credit"]) == ("297.50", "52.50")  # 42.5 and 7.5 x 7.00
    assert july["service_charge"] == "21.11"  # 20.43 x 31 / 30


def test_fixed_volume_above_the_purchase_is_bad_data(capsys, csv_file):
    status, err = data_errors(
        capsys,
        csv_file,
        "start,end,purchased_ccf\n2026-06-01,2026-06-30,10\n",
        "--fixed-ccf",
        "30",
        method="fixed",
    )
    assert status == 4
    assert err.splitlines() == [
        "periods.csv line 2: the fixed diversion 30.00 ccf (30 x 30/30) exceeds purchased_ccf 10 "
        "(2026-06-01 to 2026-06-30)"
    ]


def test_a_sewer_meter_above_purchase_from_mid_period_is_billed_as_measured(capsys, csv_file):
    """P = 100, S = 243.65 since the activation on 2026-07-12 (f = 20/31): the first metered
    period bills the 11 days before on the purchase and the rest as the meter measured,
    B = P x 11/31 + S = 279.13 ccf (RULES.md, "First metered period"), so the credit is
    negative (an added charge); the row says why."""
    path = csv_file("start,end,purchased_ccf,sewer_ccf\n2026-07-01,2026-07-31,100,243.65\n")
    args = ["--class", "resident", "--effective", "2026-07-12", "--method", "sewer-meter"]
    status, out, _ = run(capsys, *args, "--periods", str(path), "--json")
    row = json.loads(out)["periods"][0]
    assert status == 0
    assert (row["diverted_ccf"], row["billed_ccf"]) == ("-143.65", "279.133871")
    assert (row["volume_charge_unadjusted"], row["volume_charge"], row["credit"]) == (
        "1290.00",
        "3600.83",
        "-2310.83",
    )
    status, out, _ = run(capsys, *args, "--periods", str(path))
    assert status == 0
    assert "-$2,310.83" in out
    assert (
        "sewer meter from its activation reading on 2026-07-12: the 11 days before it billed on "
        "the purchase, B = P x 11/31 + S; B is above P, billed as measured: the credit is "
        "negative, an added charge"
    ) in out


def test_the_metered_column_of_the_effective_period_is_the_use_since_activation(capsys, csv_file):
    """RULES.md, "First metered period": diverted_ccf 30 of the period that holds the
    effective date 06-11 is the meter's use since its activation that day, credited as
    measured (30 x $12.90), not scaled by f = 20/30; --help says so."""
    path = csv_file(HEAD + "2026-06-01,2026-06-30,100,30\n2026-07-01,2026-07-31,100,31\n")
    args = ["--class", "resident", "--effective", "2026-06-11", "--method", "deduct-meter"]
    status, out, err = run(capsys, *args, "--periods", str(path), "--json")
    assert (status, err) == (0, "")
    june, july = json.loads(out)["periods"]
    assert (june["factor"], june["credited_ccf"], june["credit"]) == ("20/30", "30.00", "387.00")
    assert (july["credited_ccf"], july["credit"]) == ("31.00", "399.90")
    status, out, _ = run(capsys, *args, "--periods", str(path))
    assert "First metered period (ruling)" in out
    with pytest.raises(SystemExit):
        main(["schedule", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "of the period that holds the effective date is the volume measured since" in help_text


# --- hostile input: one line per problem, the right exit status, bounded memory -------------


def test_a_cell_over_the_csv_field_limit_is_one_line_of_bad_data(capsys, csv_file):
    text = "start,end,purchased_ccf\n2026-06-01,2026-06-30," + "9" * 131_073 + "\n"
    status, err = data_errors(capsys, csv_file, text + "2026-07-01,2026-07-31,5\n")
    assert (status, err) == (
        4,
        "periods.csv line 2: a value is longer than 131,072 characters (the CSV field limit)\n",
    )


def test_a_line_over_a_mebibyte_is_not_read_whole(capsys, csv_file):
    text = 'start,end,purchased_ccf\n2026-06-01,2026-06-30,"' + "x" * 2_000_000 + '"\n'
    status, err = data_errors(capsys, csv_file, text + "2026-07-01,2026-07-31,5\n")
    assert (status, err) == (
        4,
        "periods.csv line 2: the line is longer than 1,048,576 characters; no billing period "
        "row is (a value may hold at most 131,072)\n",
    )


def test_a_period_ending_on_the_last_day_a_date_can_hold_is_priced(capsys, csv_file):
    """9999-12-31 used to end in an OverflowError traceback (exit 1)."""
    path = csv_file(
        "start,end,purchased_ccf\n2026-06-01,2026-06-30,100\n9999-12-31,9999-12-31,100\n"
    )
    status, out, err = run(capsys, *example_1_args(path), "--json")
    assert (status, err) == (0, "")
    last = json.loads(out)["periods"][1]
    assert (last["end"], last["days"], last["credit"]) == ("9999-12-31", 1, "193.50")
    path = csv_file("start,end,purchased_ccf\n2026-08-01,9999-12-31,96\n")
    status, out, err = run(capsys, *example_1_args(path), "--json")
    assert (status, err) == (0, "")
    [row] = json.loads(out)["periods"]
    assert (row["days"], row["factor"]) == (2912231, "2912220/2912231")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("٩٦", "'٩٦'"), ("９６", "'９６'"), ("۹۶", "'۹۶'"), ("9６", "'9６'")],
)
def test_only_ascii_digits_are_numbers(capsys, csv_file, cell, shown):
    status, err = data_errors(
        capsys, csv_file, f"start,end,purchased_ccf\n2026-06-01,2026-06-30,{cell}\n"
    )
    assert (status, err) == (4, f"periods.csv line 2: purchased_ccf {shown} is not a number\n")


def test_only_ascii_digits_make_a_date_or_an_option(capsys, csv_file):
    status, err = data_errors(
        capsys, csv_file, "start,end,purchased_ccf\n２０２６-06-01,2026-06-30,5\n"
    )
    assert (status, err) == (
        4,
        "periods.csv line 2: start '２０２６-06-01' is not a date (YYYY-MM-DD)\n",
    )
    path = csv_file(EXAMPLE_1)
    status, out, err = run(
        capsys, *example_1_args(path)[:-4], "--percent", "١٥", "--periods", str(path)
    )
    assert (status, out) == (2, "")
    assert "argument --percent: '١٥' is not a number" in err
    status, out, err = run(
        capsys,
        "--class",
        "resident",
        "--effective",
        "２０２６-08-12",
        "--method",
        "percentage",
        "--percent",
        "15",
        "--periods",
        str(path),
    )
    assert (status, out) == (2, "")
    assert "is not a date (YYYY-MM-DD)" in err


def test_a_period_no_rate_table_covers_is_a_rule_refusal_with_its_citation(capsys, csv_file):
    """Before 2026-05-01 kcsac holds no rates: a rule refusal (exit 3), not bad data (4)."""
    status, err = data_errors(
        capsys,
        csv_file,
        HEAD + "2026-04-01,2026-04-30,10,1\n2026-05-01,2026-05-31,10,1\n",
        method="deduct-meter",
    )
    assert (status, err) == (
        3,
        "periods.csv line 2: no rate table covers 2026-04-01 to 2026-04-30: kcsac holds rates "
        "from 2026-05-01 (Ordinance 260209)\n",
    )
    # With bad data too, every problem is listed; the rule refusal sets the status.
    status, err = data_errors(
        capsys,
        csv_file,
        HEAD + "2026-04-15,2026-05-14,10,1\n2026-06-01,2026-06-30,x,1\n",
        method="deduct-meter",
    )
    assert status == 3
    assert err.splitlines() == [
        "periods.csv line 2: no rate table covers 2026-04-15 to 2026-05-14: kcsac holds rates "
        "from 2026-05-01 (Ordinance 260209)",
        "periods.csv line 3: purchased_ccf 'x' is not a number",
    ]


def test_many_bad_rows_print_the_first_100_problems_then_how_many_more(capsys, csv_file):
    rows = "".join(f"2026-06-01,2026-06-30,n{i}\n" for i in range(250))
    status, err = data_errors(capsys, csv_file, "start,end,purchased_ccf\n" + rows)
    lines = err.splitlines()
    assert status == 4
    assert len(lines) == 101
    assert lines[0] == "periods.csv line 2: purchased_ccf 'n0' is not a number"
    assert lines[99] == "periods.csv line 101: purchased_ccf 'n99' is not a number"
    assert lines[100] == "... and 150 more"


def test_overlaps_are_found_in_any_order_of_the_file(capsys, csv_file):
    rows = "2026-09-01,2026-09-30,5\n2026-07-01,2026-07-31,5\n2026-06-01,2026-06-30,5\n"
    rows += "2026-07-15,2026-08-14,5\n2026-05-01,2026-05-31,5\n"
    status, err = data_errors(capsys, csv_file, "start,end,purchased_ccf\n" + rows)
    assert (status, err) == (
        4,
        "periods.csv line 5: start 2026-07-15 overlaps the period 2026-07-01 to 2026-07-31 "
        "(2026-07-15 to 2026-08-14)\n",
    )


def test_a_line_that_is_not_utf8_is_named(capsys, tmp_path):
    path = tmp_path / "periods.csv"
    path.write_bytes(
        b"start,end,purchased_ccf\n2026-06-01,2026-06-30,5\n2026-07-01,2026-07-31,\xff5\n"
    )
    status, out, err = run(capsys, *example_1_args(path))
    assert (status, out) == (4, "")
    assert err == f"{path} line 3: the line is not UTF-8 text\n"


def test_a_long_file_is_streamed_with_the_figures_of_the_engine(capsys, csv_file):
    """3,000 periods of every kind (more than the 1,000 rows written at a time): the CLI's
    JSON equals build_schedule's figures row by row and in total."""
    from datetime import date, timedelta
    from decimal import Decimal

    from kcsac.domain.customer_class import CustomerClass
    from kcsac.domain.determination import DeterminationTerms, PeriodInput
    from kcsac.domain.method import Method
    from kcsac.domain.money import format_plain
    from kcsac.domain.schedule import build_schedule
    from kcsac.domain.volume import format_ccf

    first = date(2026, 5, 1)
    periods = []
    for i in range(3000):
        start = first + timedelta(days=3 * i)
        purchased = Decimal(i % 97 + 1) + Decimal(i % 7) / 8
        periods.append(
            PeriodInput(start, start + timedelta(days=2), purchased, sewer_ccf=purchased * 3 / 4)
        )
    text = "start,end,purchased_ccf,sewer_ccf\n" + "".join(
        f"{p.start},{p.end},{p.purchased_ccf},{p.sewer_ccf}\n" for p in periods
    )
    path = csv_file(text)
    effective = first + timedelta(days=3 * 1500 + 1)  # inside a period: its first metered one
    args = ["--class", "nonresident-direct", "--effective", effective.isoformat()]
    status, out, err = run(
        capsys, *args, "--method", "sewer-meter", "--periods", str(path), "--json"
    )
    assert (status, err) == (0, "")
    data = json.loads(out)
    engine = build_schedule(
        customer_class=CustomerClass.NONRESIDENT_DIRECT,
        effective_on=effective,
        terms=DeterminationTerms(Method.SEWER_METER),
        periods=periods,
    )
    assert len(data["periods"]) == len(engine.rows) == 3000
    for got, row in zip(data["periods"], engine.rows, strict=True):
        assert got["credited_ccf"] == format_ccf(row.credited_ccf)
        assert got["billed_ccf"] == format_ccf(row.billed_ccf)
        assert got["credit"] == format_plain(row.credit_cents)
        assert got["service_charge"] == format_plain(row.service_charge_cents)
    assert data["totals"]["credit"] == format_plain(engine.totals.credit_cents)
    assert any(row.credit_cents < 0 for row in engine.rows)  # S above the purchase's days
    assert engine.rows[1500].metered_from == effective


def test_memory_does_not_grow_with_the_file(capsys, csv_file, monkeypatch, tmp_path):
    """The periods are read, priced and written one at a time: pricing 5,000 periods holds
    about as much memory as 500 (a list of rows would hold ten times as much). The table
    goes to a file, as a billing run's would, not into the test's captured output."""
    import tracemalloc
    from datetime import date, timedelta

    out = (tmp_path / "out.txt").open("w", encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", out)

    def peak(count: int) -> int:
        first = date(2026, 5, 1)
        text = "start,end,purchased_ccf\n" + "".join(
            f"{first + timedelta(days=i)},{first + timedelta(days=i)},{i % 90 + 1}.5\n"
            for i in range(count)
        )
        path = csv_file(text, f"p{count}.csv")
        tracemalloc.start()
        try:
            status, _, err = run(capsys, *example_1_args(path))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert (status, err) == (0, "")

    small, large = peak(500), peak(5_000)
    out.close()
    assert large < small * 2, (small, large)
    assert (tmp_path / "out.txt").stat().st_size > 5_000 * 100
