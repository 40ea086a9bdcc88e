"""Chinchilla training runs (Hoffmann et al. 2022, Fig. 4) as reconstructed by Besiroglu et al. (2024)."""
import pandas as pd

from .._schema import Column, numeric_columns, read_csv

DESCRIPTION = ("One row per Chinchilla training run read off Hoffmann et al. (2022) Fig. 4 by Epoch AI: "
               "parameters, training compute, tokens derived as C / (6 N), and final training loss.")

COLUMNS = [
    Column("N", "float", "parameters", "model size read off the figure (approximate)", positive=True),
    Column("C", "float", "FLOP", "training compute", positive=True),
    Column("D", "float", "tokens", "training tokens, derived as C / (6 N) as upstream does", positive=True),
    Column("loss", "float", "nats/token", "final training loss on MassiveText, decoded from the colour bar",
           positive=True),
]

_SOURCE = "chinchilla_epoch"
_FILE = "data/svg_extracted_data.csv"
_NEEDED = ["Model Size", "Training FLOP", "loss"]


def parse(files):
    raw = read_csv(files[_FILE], _NEEDED, _SOURCE)
    num = numeric_columns(raw, _NEEDED, _SOURCE, _FILE, nullable=False)
    n, c = num["Model Size"], num["Training FLOP"]
    return pd.DataFrame({"N": n, "C": c, "D": c / (6 * n), "loss": num["loss"]})
