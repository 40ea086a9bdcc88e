"""Published parameter values the notebooks compare against (units: N in parameters, D in tokens, loss in nats/token)."""

HOFFMANN_2022 = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
"""Hoffmann et al. (2022), Approach 3 estimates of ``L(N, D) = E + A/N^alpha + B/D^beta``."""

BESIROGLU_2024 = dict(E=1.817, A=482.0, B=2085.4, alpha=0.348, beta=0.366)
"""Besiroglu et al. (2024), replication of Approach 3 on the points read off Hoffmann et al.'s Fig. 4."""

BESIROGLU_2024_SE = dict(E=0.026, A=124.5, B=1293.0, alpha=0.015, beta=0.021)
"""Bootstrap standard errors reported by Besiroglu et al. (2024) for :data:`BESIROGLU_2024`."""

HOFFMANN_2022_APPROACH2_A = 0.49
"""Hoffmann et al. (2022), Approach 2 (IsoFLOP profiles): ``N_opt ∝ C^a`` with a = 0.49."""

CHINCHILLA_FLOP = 5.88e23
"""Training compute of Chinchilla (70B parameters, 1.4T tokens), FLOP."""
