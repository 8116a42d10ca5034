"""Two-sample tests used to compare torchrng samplers with torchvision's own make_params."""

import numpy as np
import torch
from scipy import stats

ALPHA = 1e-4  # significance level of every distribution-equality test (fixed keys and seeds)
N_TORCHVISION = 20_000  # torchvision draws per case


def _values(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        return x.double().numpy() if x.dtype != torch.bool else x.numpy().astype(np.float64)
    return np.asarray(x, dtype=np.float64)


def same_distribution(ours, theirs, alpha=ALPHA, what=""):
    """Chi-square on the value counts when both samples take few distinct values (merging rare
    values so every expected count is >= 5), otherwise the two-sample Kolmogorov-Smirnov test."""
    a, b = _values(ours).ravel(), _values(theirs).ravel()
    assert a.size and b.size, f"{what}: empty sample"
    values = np.union1d(np.unique(a), np.unique(b))
    if values.size == 1:
        return
    if values.size <= 60:
        counts = np.stack([np.array([(a == v).sum() for v in values]), np.array([(b == v).sum() for v in values])])
        # merge values whose expected count is small into their neighbour
        merged, acc = [], np.zeros(2)
        for col in counts.T:
            acc = acc + col
            expected = acc.sum() * np.array([a.size, b.size]) / (a.size + b.size)
            if expected.min() >= 5:
                merged.append(acc)
                acc = np.zeros(2)
        if acc.sum():
            if merged:
                merged[-1] = merged[-1] + acc
            else:
                merged.append(acc)
        table = np.array(merged).T
        if table.shape[1] < 2:
            return
        p = stats.chi2_contingency(table)[1]
    else:
        p = stats.ks_2samp(a, b).pvalue
    assert p > alpha, f"{what}: p = {p:.3g} <= {alpha} (ours mean {a.mean():.4g}, torchvision mean {b.mean():.4g})"


def same_rate(successes: int, trials: int, p: float, alpha=ALPHA, what=""):
    pv = stats.binomtest(int(successes), int(trials), p).pvalue
    assert pv > alpha, f"{what}: {successes}/{trials} vs p={p}: p-value {pv:.3g}"
