"""Chinchilla training runs (Hoffmann et al. 2022, Fig. 4) as reconstructed by Besiroglu et al. (2024)."""
import pandas as pd

from .._schema import Column, read_csv

DESCRIPTION = ("One row per Chinchilla training run read off Hoffmann et al. (2022) Fig. 4 by Epoch AI: "
               "parameters, training compute, tokens derived as C / (6 N), and final training loss.")

COLUMNS = [
    Column("N", "float", "parameters", "model size read off the figure (approximate)", positive=True),
    Column("C", "float", "FLOP", "training compute", positive=True),
    Column("D", "float", "tokens", "training tokens, derived as C / (6 N) as upstream does", positive=True),
    Column("loss", "float", "nats/token", "final training loss on MassiveText, decoded from the colour bar",
           positive=True),
]

_FILE = "data/svg_extracted_data.csv"


def parse(files):
    raw = read_csv(files[_FILE], ["Model Size", "Training FLOP", "loss"], "chinchilla_epoch")
    n = pd.to_numeric(raw["Model Size"], errors="coerce")
    c = pd.to_numeric(raw["Training FLOP"], errors="coerce")
    return pd.DataFrame({"N": raw["Model Size"], "C": raw["Training FLOP"], "D": c / (6 * n), "loss": raw["loss"]})
