"""Selections of source tables and reading your own runs."""
import pandas as pd
import pytest

from scaling_lib.analysis import chinchilla_points, read_runs_csv
from scaling_lib.datasets import DataFormatError


def test_chinchilla_points_drops_the_highest_losses():
    table = pd.DataFrame({"N": [1e8, 2e8, 3e8, 4e8], "D": [1e9] * 4, "loss": [3.0, 5.0, 2.5, 4.0]})
    kept = chinchilla_points(table, drop_highest=2)
    assert sorted(kept["loss"]) == [2.5, 3.0]
    with pytest.raises(ValueError, match="drop_highest"):
        chinchilla_points(table, drop_highest=4)


def test_read_runs_csv_adds_compute(tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text("N,D,loss,note\n1e8,2e9,3.1,a\n4e8,8e9,2.7,b\n")
    runs = read_runs_csv(path)
    assert list(runs.columns) == ["N", "D", "loss", "C"]
    assert runs["C"].tolist() == [6 * 1e8 * 2e9, 6 * 4e8 * 8e9]


@pytest.mark.parametrize("text, message", [
    ("N,loss\n1e8,3.1\n", r"lacks column\(s\) \['D'\]"),
    ("N,D,loss\n1e8,2e9,abc\n", "'loss' must be numeric"),
    ("N,D,loss\n1e8,-2e9,3.0\n", "'D' must be positive"),
    ("N,D,loss\n1e8,,3.0\n", "'D' has 1 missing"),
])
def test_read_runs_csv_rejects_bad_files(tmp_path, text, message):
    path = tmp_path / "runs.csv"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        read_runs_csv(path)


def test_read_runs_csv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such CSV"):
        read_runs_csv(tmp_path / "absent.csv")
