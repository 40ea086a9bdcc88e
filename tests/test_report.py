"""The report runner (``python -m scaling_lib report``) and ``scaling_lib.results``, on tiny notebooks."""
import json
import math
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from scaling_lib import report
from scaling_lib.__main__ import main
from scaling_lib.results import (CHECK_ENV, RESULTS_ENV, Expectation, HeadlineMismatch, format_results, load_expected,
                                 load_results, record, refresh_expected, render_quotes)

RECORD = "from scaling_lib.results import record\nrecord({'n': n, 'double': 2.0 * n})"


def make_notebook(path, *cells, parameters="n: int = 3  # how many"):
    """Write a notebook: a parameters cell, then ``cells``; return its path."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


# --- record ---------------------------------------------------------------------------------

def test_record_writes_json_and_prints_rounded_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "sub" / "out.json"))
    record({"E": np.float64(1.817321), "n_points": np.int64(245), "law": "chinchilla",
            "alphas": np.array([0.33912, 0.28])})
    assert capsys.readouterr().out.splitlines() == [
        "E                 1.817",
        "n_points            245",
        "law          chinchilla",
        "alphas     [0.3391, 0.28]",
    ]
    values = load_results(tmp_path / "sub" / "out.json")
    assert values == {"E": 1.817321, "n_points": 245, "law": "chinchilla", "alphas": [0.33912, 0.28]}
    assert type(values["E"]) is float and type(values["n_points"]) is int
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["out.json"]  # no temp file left


def test_record_defaults_to_results_json_in_working_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    record({"x": 1.23456789}, digits=6)
    assert capsys.readouterr().out.split() == ["x", "1.23457"]
    assert json.loads((tmp_path / "results.json").read_text()) == {"x": 1.23456789}


@pytest.mark.parametrize("values, message", [
    ({"E": float("nan")}, "'E' is not finite"),
    ({"E": np.float32("inf")}, "'E' is not finite"),
    ({"curve": [1.0, math.nan]}, "'curve' is not finite"),
    ({3: 1.0}, "names must be strings"),
    ({"grid": np.ones((2, 2))}, "1-D"),
    ({"fit": object()}, "unsupported type object"),
    ({}, "empty"),
])
def test_record_rejects_bad_values_and_writes_nothing(tmp_path, monkeypatch, values, message):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results.json"))
    with pytest.raises(ValueError, match=message):
        record(values)
    assert list(tmp_path.iterdir()) == []


def test_load_results_rejects_non_object(tmp_path):
    (tmp_path / "r.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        load_results(tmp_path / "r.json")


def test_format_results_widens_for_long_names():
    assert format_results({"a_rather_long_name": 2, "b": 0.5}).splitlines() == [
        "a_rather_long_name            2",
        "b                           0.5",
    ]


# --- expected values ------------------------------------------------------------------------

EXPECTED = {
    "headlines": {
        "E": {"value": 1.817321, "rtol": 1e-6, "why": "replication estimate"},
        "width": {"value": 0.4243, "rtol": 0.05, "why": "bootstrap width over a flat valley"},
        "coverage": {"value": 1.0, "atol": 0.05},
        "n_points": {"value": 240},
        "law": {"value": "chinchilla"},
    },
    "quotes": ["E = {E:.3f}", "about {width:.0%} wide"],
}


@pytest.fixture
def expected_file(tmp_path):
    path = tmp_path / "expected.json"
    path.write_text(json.dumps(EXPECTED))
    return path


def test_record_prints_only_the_digits_each_tolerance_leaves_stable(tmp_path, monkeypatch, capsys, expected_file):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results.json"))
    monkeypatch.setenv(CHECK_ENV, "1")
    for width in (0.4167, 0.4308):  # the spread of one width over four BLAS kernels
        record({"E": 1.8173212, "width": width, "coverage": 1.0, "n_points": 240, "law": "chinchilla"},
               expected=expected_file)
        assert capsys.readouterr().out.split() == ["E", "1.81732", "width", "0.4", "coverage", "1.0",
                                                  "n_points", "240", "law", "chinchilla"]


@pytest.mark.parametrize("change, message", [
    ({"E": 1.8355}, "E: expected 1.817321, got 1.8355 (tolerance 1e-06 relative; replication estimate)"),
    ({"width": 0.51}, "width: expected 0.4243, got 0.51 (tolerance 0.05 relative; bootstrap width"),
    ({"coverage": 0.9}, "coverage: expected 1.0, got 0.9 (tolerance 0.05 absolute)"),
    ({"n_points": 239}, "n_points: expected 240, got 239 (tolerance exact)"),
    ({"law": "gadre"}, "law: expected 'chinchilla', got 'gadre'"),
    ({"extra": 1.0}, "extra: recorded, but has no expected value"),
])
def test_a_number_outside_its_tolerance_fails_naming_it(tmp_path, monkeypatch, capsys, expected_file, change,
                                                        message):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results.json"))
    monkeypatch.setenv(CHECK_ENV, "1")
    values = {"E": 1.817321, "width": 0.4243, "coverage": 1.0, "n_points": 240, "law": "chinchilla", **change}
    with pytest.raises(HeadlineMismatch, match=r"1 headline number\(s\) differ") as failure:
        record(values, expected=expected_file)
    assert failure.value.mismatches == [message] or failure.value.mismatches[0].startswith(message)
    assert load_results(tmp_path / "results.json") == values  # written before the check: nothing lost
    monkeypatch.setenv(CHECK_ENV, "0")
    record(values, expected=expected_file)  # a report with other parameters is not checked


def test_a_missing_headline_fails(tmp_path, monkeypatch, expected_file):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results.json"))
    monkeypatch.setenv(CHECK_ENV, "1")
    with pytest.raises(HeadlineMismatch, match="law: expected 'chinchilla', but not recorded"):
        record({"E": 1.817321, "width": 0.4243, "coverage": 1.0, "n_points": 240}, expected=expected_file)


def test_refresh_keeps_tolerances_and_refuses_unknown_names(expected_file):
    new = {"E": 1.9, "width": 0.4243, "coverage": 1.0, "n_points": 240, "law": "chinchilla"}
    assert refresh_expected(new, expected_file) == ["E: 1.817321 -> 1.9"]
    refreshed = load_expected(expected_file)
    assert refreshed["E"] == Expectation(1.9, rtol=1e-6, why="replication estimate")
    assert render_quotes(expected_file) == ["E = 1.900", "about 42% wide"]
    before = expected_file.read_text()
    with pytest.raises(ValueError, match=r"new headline\(s\) \['extra'\]"):
        refresh_expected({**new, "extra": 2.0}, expected_file)
    assert expected_file.read_text() == before


def test_cli_refreshes_expected_values_from_a_report(tmp_path, capsys):
    nb = make_notebook(tmp_path / "00_tiny.ipynb", RECORD)
    (tmp_path / "expected").mkdir()
    (tmp_path / "expected" / "00_tiny.json").write_text(json.dumps(
        {"headlines": {"n": {"value": 3}, "double": {"value": 6.0, "rtol": 1e-9}}}))
    (tmp_path / "r.json").write_text(json.dumps({"n": 4, "double": 8.0}))
    assert main(["expected", str(nb), "--results", str(tmp_path / "r.json")]) == 0
    assert "2 value(s) changed" in capsys.readouterr().out
    assert load_expected(tmp_path / "expected" / "00_tiny.json")["double"] == Expectation(8.0, rtol=1e-9)
    assert main(["expected", str(nb), "--results", str(tmp_path / "missing.json")]) == 2


@pytest.mark.parametrize("document, message", [
    ({"values": {}}, "'headlines' object"), ({"headlines": {"E": 1.8}}, "needs an object with 'value'"),
    ({"headlines": {"E": {"value": 1.8, "tol": 1}}}, "unknown key"),
    ({"headlines": {"E": {"value": 1.8, "rtol": -1}}}, "negative tolerance"),
])
def test_bad_expected_files_are_rejected(tmp_path, document, message):
    (tmp_path / "e.json").write_text(json.dumps(document))
    with pytest.raises(ValueError, match=message):
        load_expected(tmp_path / "e.json")


# --- parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("5", 5), ("0.5", 0.5), ("1e-3", 1e-3), ("True", True), ("None", None), ("[1, 2]", [1, 2]),
    ("'quoted'", "quoted"), ("huber_log", "huber_log"), ("two words", "two words"),
])
def test_parse_value_reads_literals_else_strings(text, value):
    assert report.parse_value(text) == value


def test_overrides_go_only_to_notebooks_declaring_them(tmp_path):
    a = make_notebook(tmp_path / "00_a.ipynb", parameters="n: int = 1\nlabel: str = 'x'")
    b = make_notebook(tmp_path / "01_b.ipynb", parameters="m: float = 0.5")
    declared = {a: report.notebook_parameters(a), b: report.notebook_parameters(b)}
    applied = report.resolve_parameters(declared, {"n": "7", "m": "2", "label": "42"})
    assert applied == {a: {"n": 7, "label": "42"}, b: {"m": 2}}
    with pytest.raises(report.ParameterError, match=r"unknown parameter k;(.|\n)*00_a: n, label"):
        report.resolve_parameters(declared, {"k": 1})
    with pytest.raises(report.ParameterError, match="parameter n is int .*got 'many'"):
        report.resolve_parameters(declared, {"n": "many"})


def test_ensure_kernel_runs_this_interpreter():
    name = report.ensure_kernel()
    assert report._kernel_runs_this_python(name)


def test_ensure_kernel_installs_fallback_when_python3_is_foreign(tmp_path, monkeypatch):
    foreign = tmp_path / "foreign" / "kernels" / "python3"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps(
        {"argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "Other", "language": "python"}))
    prefix = tmp_path / "prefix"
    monkeypatch.setenv("JUPYTER_PATH", f"{tmp_path / 'foreign'}:{prefix / 'share' / 'jupyter'}")
    assert not report._kernel_runs_this_python("python3")
    assert report.ensure_kernel(prefix=prefix) == report.FALLBACK_KERNEL_NAME
    installed = json.loads((prefix / "share/jupyter/kernels/scaling-workbook/kernel.json").read_text())
    assert installed["argv"][0] == sys.executable


# --- running notebooks ------------------------------------------------------------------------

def test_report_writes_html_notebook_and_results_with_parameter(tmp_path, monkeypatch, capsys):
    (tmp_path / "nbs").mkdir()
    nb = make_notebook(tmp_path / "nbs" / "00_tiny.ipynb",
                       "import os\nprint('cwd', os.path.basename(os.getcwd()))", RECORD)
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(nb), "-p", "n", "5", "--output-dir", "out"]) == 0
    out = tmp_path / "out" / "00_tiny"
    assert sorted(p.name for p in out.iterdir()) == ["00_tiny.html", "00_tiny.ipynb", "results.json"]
    assert load_results(out / "results.json") == {"n": 5, "double": 10.0}
    html = (out / "00_tiny.html").read_text()
    assert "cwd nbs" in html  # ran in the notebook's folder
    assert "getcwd" in html  # code kept
    executed = nbformat.read(out / "00_tiny.ipynb", as_version=4)
    assert "n = 5" in executed.cells[1].source  # papermill's injected-parameters cell
    assert "00_tiny: " in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["00_tiny"]  # no temp dirs left


def test_report_kernels_do_not_talk_over_tcp(tmp_path):
    nb = make_notebook(tmp_path / "00_tiny.ipynb", RECORD)
    run = subprocess.run([sys.executable, "-m", "scaling_lib", "report", str(nb), "--output-dir",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "TCP" not in run.stdout + run.stderr
    assert not [p for p in (tmp_path / "out").rglob("*") if "kernel" in p.name]


def test_unknown_parameter_exits_2_and_runs_nothing(tmp_path, capsys):
    nb = make_notebook(tmp_path / "00_tiny.ipynb", RECORD)
    assert main(["report", str(nb), "-p", "n_bootsrap", "5", "--output-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter n_bootsrap" in err and "00_tiny: n" in err
    assert not (tmp_path / "out").exists()


def test_failures_are_reported_and_keep_good_reports(tmp_path, capsys):
    failing = make_notebook(tmp_path / "00_fails.ipynb", "x = 1", "y = x / 0", RECORD)
    silent = make_notebook(tmp_path / "01_silent.ipynb", "print(n)")
    good = make_notebook(tmp_path / "02_good.ipynb", RECORD)
    out = tmp_path / "out"
    (out / "00_fails").mkdir(parents=True)
    (out / "00_fails" / "results.json").write_text('{"from": "an earlier good run"}')

    outcomes = report.run_reports([failing, silent, good], {}, out, verbose=False)

    assert [o.ok for o in outcomes] == [False, False, True]  # went on after the failures
    fails, no_record, _ = outcomes
    assert "cell In [3] `y = x / 0` raised ZeroDivisionError: division by zero" in fails.error
    assert fails.failed_notebook == out / "00_fails.failed.ipynb" and fails.failed_notebook.is_file()
    assert "no results.json written" in no_record.error
    assert load_results(out / "00_fails" / "results.json") == {"from": "an earlier good run"}
    assert not (out / "01_silent").exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "00_fails", "00_fails.failed.ipynb", "01_silent.failed.ipynb", "02_good"]
    assert "FAILED" in str(fails) and "ZeroDivisionError" in str(fails)


def test_failing_notebook_makes_cli_exit_nonzero(tmp_path, capsys):
    failing = make_notebook(tmp_path / "00_fails.ipynb", "raise RuntimeError('boom')")
    assert main(["report", str(failing), "--output-dir", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert "00_fails: FAILED" in captured.out and "RuntimeError: boom" in captured.out
    assert "1 of 1 notebooks failed: 00_fails" in captured.err
    assert not (tmp_path / "out" / "00_fails").exists()


def test_missing_notebook_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope.ipynb")]) == 2
    assert "no notebook" in capsys.readouterr().err


# --- command line ---------------------------------------------------------------------------

def test_params_lists_types_defaults_and_help(tmp_path, capsys):
    nb = make_notebook(tmp_path / "00_tiny.ipynb", RECORD,
                       parameters="n_bootstrap: int = 200  # resamples\nlaw: str = 'chinchilla'")
    assert main(["params", str(nb)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "00_tiny parameters (override with -p NAME VALUE):",
        "  n_bootstrap: int = 200  # resamples",
        "  law: str = 'chinchilla'",
    ]


@pytest.mark.parametrize("args, expected", [
    ([], "report"), (["report"], "--output-dir"), (["params"], "NOTEBOOK")])
def test_help(args, expected):
    run = subprocess.run([sys.executable, "-m", "scaling_lib", *args, "--help"],
                         capture_output=True, text=True, check=True)
    assert expected in run.stdout
