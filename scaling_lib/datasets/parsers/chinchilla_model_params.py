"""The 50 Chinchilla model configurations (Hoffmann et al. 2022, Table A9) with parameter counts (Schaeffer et al. 2025).

One row per configuration, in upstream (Table A9) order; no row is dropped. Upstream column names are
turned into snake_case. **Units:** the six upstream columns in millions of parameters
(``Reported Parameters (M)`` and the five count conventions, whose header has no "(M)" but which are also
in millions) are multiplied by 1e6 and given in parameters (float). Upstream rounded four of them to whole
millions (reported, tied/no gating, untied/no gating, untied/gating, best-fit), so they carry +/-0.5e6
rounding; ``params_untied_gating_shared_kv`` is exact. Exact counts can be rebuilt from the component
columns: tied/no gating = embedding + total attention + total FFN; untied adds the embedding once more;
gating replaces total FFN by total gated; shared KV subtracts n_layers * d_model * kv_size * n_heads.

``relative_error_pct`` is upstream's ``Relative Error (%)``, in percent. It is
100 * |reported - exact tied/no-gating count| / reported (checked here to 1e-6), not the error of the
best-fit column as the mirror's SOURCE.md says.

:func:`parse` checks the internal arithmetic of the component columns (attention = 4 d_model kv_size
n_heads per layer, FFN = 2 d_model ffw_size, gated = 3 d_model ffw_size, embedding = vocab * d_model,
totals = n_layers * per-layer) so that a shifted or renamed column stops with an error.
"""
import numpy as np
import pandas as pd

from .._schema import Column, DataFormatError, numeric_columns, read_csv

DESCRIPTION = ("One row per Chinchilla configuration of Hoffmann et al. (2022) Table A9: architecture, parameter "
               "counts of each component, the reported size, sizes recomputed under five counting conventions, "
               "and the relative error of the reported size, from Schaeffer et al. (2025).")

_SOURCE = "chinchilla_model_params"
_FILE = "data/chinchilla_model_parameters.csv"

# upstream column -> (tidy name, dtype, unit, description, millions?)
_MAP = {
    "d_model": ("d_model", "int", "", "model width", False),
    "ffw_size": ("ffw_size", "int", "", "feed-forward hidden size", False),
    "kv_size": ("kv_size", "int", "", "key/value size per head", False),
    "n_heads": ("n_heads", "int", "heads", "attention heads", False),
    "n_layers": ("n_layers", "int", "layers", "transformer layers", False),
    "Vocab Size": ("vocab_size", "int", "tokens", "vocabulary size (32,168)", False),
    "Embedding Parameters": ("embedding_params", "int", "parameters", "embedding matrix, vocab_size * d_model",
                             False),
    "KQV Params Per Layer": ("kqv_params_per_layer", "int", "parameters",
                             "query, key and value projections per layer, 3 d_model kv_size n_heads", False),
    "Output Proj Params Per Layer": ("output_proj_params_per_layer", "int", "parameters",
                                     "attention output projection per layer, d_model kv_size n_heads", False),
    "Total Attn Params": ("total_attn_params", "int", "parameters", "attention parameters of all layers", False),
    "FFN Params Per Layer": ("ffn_params_per_layer", "int", "parameters",
                             "un-gated feed-forward per layer, 2 d_model ffw_size", False),
    "Total FFN Params": ("total_ffn_params", "int", "parameters", "un-gated feed-forward of all layers", False),
    "Gated Params Per Layer": ("gated_params_per_layer", "int", "parameters",
                               "gated feed-forward per layer, 3 d_model ffw_size", False),
    "Total Gated Params": ("total_gated_params", "int", "parameters", "gated feed-forward of all layers", False),
    "Reported Parameters (M)": ("reported_params", "float", "parameters",
                                "size reported in Table A9 (upstream in millions, converted; whole millions)", True),
    "Tied (Un)Embed, No Gating": ("params_tied_no_gating", "float", "parameters",
                                  "embedding + attention + FFN, tied unembedding, no gating (upstream in "
                                  "millions, converted; rounded to whole millions)", True),
    "Untied (Un)Embed, No Gating": ("params_untied_no_gating", "float", "parameters",
                                    "2 embedding + attention + FFN (upstream in millions, converted; rounded to "
                                    "whole millions)", True),
    "Untied (Un)Embed, Gating": ("params_untied_gating", "float", "parameters",
                                 "2 embedding + attention + gated FFN (upstream in millions, converted; rounded "
                                 "to whole millions)", True),
    "Untied (Un)Embed, Gating, Shared KV": ("params_untied_gating_shared_kv", "float", "parameters",
                                            "untied, gated, with keys and values sharing one projection (upstream "
                                            "in millions, converted; exact)", True),
    "Tied (Un)Embed, No Gating, Best Fit Attn Params Prefactor": (
        "params_tied_no_gating_best_fit_attn", "float", "parameters",
        "tied, no gating, attention counted with upstream's best-fit prefactor (upstream in millions, converted; "
        "rounded to whole millions)", True),
    "Relative Error (%)": ("relative_error_pct", "float", "percent",
                           "100 |reported - exact tied/no-gating count| / reported, as upstream", False),
}

COLUMNS = [Column(name, dtype, unit, description, positive=(name != "relative_error_pct"))
           for name, dtype, unit, description, _ in _MAP.values()]


def parse(files):
    raw = read_csv(files[_FILE], list(_MAP), _SOURCE)
    num = numeric_columns(raw, list(_MAP), _SOURCE, _FILE, nullable=False)
    # whole parameters; rounding undoes the float noise of millions x 1e6
    table = pd.DataFrame({name: np.round(num[upstream] * 1e6) if millions else num[upstream]
                          for upstream, (name, _dtype, _unit, _description, millions) in _MAP.items()})

    t = table
    heads = t["d_model"] * t["kv_size"] * t["n_heads"]
    checks = {
        "embedding = vocab * d_model": t["embedding_params"] == t["vocab_size"] * t["d_model"],
        "KQV = 3 d_model kv_size n_heads": t["kqv_params_per_layer"] == 3 * heads,
        "output projection = d_model kv_size n_heads": t["output_proj_params_per_layer"] == heads,
        "total attention = n_layers (KQV + output)":
            t["total_attn_params"] == t["n_layers"] * (t["kqv_params_per_layer"] + t["output_proj_params_per_layer"]),
        "FFN = 2 d_model ffw_size": t["ffn_params_per_layer"] == 2 * t["d_model"] * t["ffw_size"],
        "total FFN = n_layers FFN": t["total_ffn_params"] == t["n_layers"] * t["ffn_params_per_layer"],
        "gated = 3 d_model ffw_size": t["gated_params_per_layer"] == 3 * t["d_model"] * t["ffw_size"],
        "total gated = n_layers gated": t["total_gated_params"] == t["n_layers"] * t["gated_params_per_layer"],
    }
    exact_tied = t["embedding_params"] + t["total_attn_params"] + t["total_ffn_params"]
    checks["relative error = 100 |reported - tied| / reported"] = np.isclose(
        100 * (t["reported_params"] - exact_tied).abs() / t["reported_params"], t["relative_error_pct"],
        rtol=0, atol=1e-6)
    failed = [name for name, ok in checks.items() if not np.all(ok)]
    if failed:
        raise DataFormatError(f"{_SOURCE}: {_FILE} fails internal consistency check(s) {failed}; columns shifted "
                              "or changed?")
    return table
