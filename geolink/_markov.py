"""Finite Markov chains estimated from class sequences, in numpy and scipy.

Transition counts and probabilities (Quah 1993; conditioned on a spatial lag
class: Rey 2001), communication and closed classes, the stationary
distribution (Grassmann–Taksar–Heyman elimination, no subtraction), mean
first passage times (Kemeny and Snell 1976, *Finite Markov Chains*) and the
homogeneity tests Q and LR of Bickenbach and Bode (2003).  A class no
transition starts from is taken as absorbing for the steady state and the
passage times, as PySAL giddy does; the test suite checks these functions
against giddy.
"""

from __future__ import annotations

import numpy as np


def transition_counts(ids: np.ndarray, k: int, lag_ids: np.ndarray | None = None, m: int = 0) -> np.ndarray:
    """Counts of ``ids[:, t] → ids[:, t + 1]`` (n units × t periods of class ids in 0 … k − 1).

    With ``lag_ids`` (class ids 0 … m − 1 of the same shape) an m × k × k
    array: ``T[l, a, b]`` counts the transitions a → b of units in lag class
    l at the start of the step.

    Examples
    --------
    >>> transition_counts(np.array([[0, 1, 1], [1, 0, 1]]), 2).tolist()
    [[0.0, 2.0], [1.0, 1.0]]
    """
    ids = np.asarray(ids)
    cell = ids[:, :-1].ravel() * k + ids[:, 1:].ravel()
    if lag_ids is None:
        return np.bincount(cell, minlength=k * k).reshape(k, k).astype(float)
    cell = np.asarray(lag_ids)[:, :-1].ravel() * (k * k) + cell
    return np.bincount(cell, minlength=m * k * k).reshape(m, k, k).astype(float)


def row_probabilities(counts: np.ndarray) -> np.ndarray:
    """Counts divided by their row sums (last axis); rows without a transition stay zero."""
    total = counts.sum(axis=-1, keepdims=True)
    return counts / np.where(total == 0, 1, total)


def fill_empty_rows(p: np.ndarray) -> np.ndarray:
    """``p`` with 1 on the diagonal of its zero rows: a class no transition starts from is absorbing."""
    p = np.array(p, float)
    empty = np.flatnonzero(p.sum(axis=1) == 0)
    p[empty, empty] = 1.0
    return p


def communication_classes(p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """(class label of each state, closed classes) of the transition graph ``p > 0``.

    The communication classes are the strongly connected components; a class
    is closed (recurrent) when no transition leaves it.  Closed classes are
    index arrays, ordered by their first state.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    edges = np.asarray(p) > 0
    _, label = connected_components(csr_array(edges), directed=True, connection="strong")
    src, dst = np.nonzero(edges)
    leaves = np.zeros(label.max() + 1, bool)
    leaves[label[src][label[src] != label[dst]]] = True
    closed = [np.flatnonzero(label == c) for c in np.unique(label) if not leaves[c]]
    return label, sorted(closed, key=lambda c: c[0])


def _gth(p: np.ndarray) -> np.ndarray:
    """Stationary distribution of an irreducible stochastic matrix (Grassmann, Taksar and Heyman 1985)."""
    a = np.array(p, float)
    n = len(a)
    for i in range(n - 1):
        a[i + 1 :, i] /= a[i, i + 1 :].sum()
        a[i + 1 :, i + 1 :] += np.outer(a[i + 1 :, i], a[i, i + 1 :])
    x = np.zeros(n)
    x[-1] = 1.0
    for i in range(n - 2, -1, -1):
        x[i] = x[i + 1 :] @ a[i + 1 :, i]
    return x / x.sum()


def steady_state(p: np.ndarray) -> tuple[np.ndarray | None, list[np.ndarray]]:
    """(stationary distribution or None, closed classes) of ``p`` (zero rows absorbing).

    The distribution is unique when the chain has exactly one closed class:
    its stationary distribution there, zero on the transient classes.  With
    several closed classes it is None.

    Examples
    --------
    Kemeny and Snell's Land of Oz (rain, nice, snow):

    >>> pi, closed = steady_state(np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]]))
    >>> pi.round(12).tolist(), len(closed)
    ([0.4, 0.2, 0.4], 1)
    """
    p = fill_empty_rows(p)
    _, closed = communication_classes(p)
    if len(closed) != 1:
        return None, closed
    pi = np.zeros(len(p))
    pi[closed[0]] = _gth(p[np.ix_(closed[0], closed[0])])
    return pi, closed


def first_passage(p: np.ndarray) -> np.ndarray:
    """Mean first passage times: ``M[i, j]`` the expected number of steps from i to first reach j.

    Zero rows of ``p`` are absorbing.  An irreducible chain takes Kemeny and
    Snell's fundamental matrix Z = (I − P + 1π')⁻¹: M = (I − Z + 1 diag(Z)') diag(1/π),
    the diagonal the mean recurrence times 1/π_j.  Otherwise, for each j,
    M[i, j] is infinite where the chain started in i reaches j with
    probability < 1 (it can enter, without passing j, a closed class not
    holding j) and solves M[i, j] = 1 + Σ_{l≠j} P[i, l] M[l, j] on the other
    states; M[j, j] = 1 + Σ_{l≠j} P[j, l] M[l, j] (0 · ∞ = 0): the mean
    recurrence time, infinite for a transient j.

    Examples
    --------
    >>> M = first_passage(np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]]))
    >>> M.round(4).tolist()
    [[2.5, 4.0, 3.3333], [2.6667, 5.0, 2.6667], [3.3333, 4.0, 2.5]]
    >>> first_passage(np.array([[0.5, 0.5, 0], [0.2, 0.8, 0], [0, 0, 0]])).round(10).tolist()
    [[3.5, 2.0, inf], [5.0, 1.4, inf], [inf, inf, 1.0]]
    """
    p = fill_empty_rows(p)
    k = len(p)
    label, closed = communication_classes(p)
    if label.max() == 0:
        pi = _gth(p)
        z = np.linalg.inv(np.eye(k) - p + pi)
        return (np.eye(k) - z + np.diag(z)) / pi
    edges = p > 0
    out = np.full((k, k), np.inf)
    for j in range(k):
        trapped = np.zeros(k, bool)  # states that may never reach j
        for c in closed:
            if j not in c:
                trapped[c] = True
        step = edges.copy()
        step[j] = False  # stop at j
        while True:
            more = trapped | step[:, trapped].any(axis=1)
            if (more == trapped).all():
                break
            trapped = more
        sure = np.flatnonzero(~trapped & (np.arange(k) != j))
        out[sure, j] = np.linalg.solve(np.eye(len(sure)) - p[np.ix_(sure, sure)], np.ones(len(sure)))
        nxt = np.flatnonzero(edges[j] & (np.arange(k) != j))
        out[j, j] = 1 + p[j, nxt] @ out[nxt, j]
    return out


def homogeneity(T: np.ndarray) -> dict:
    """Bickenbach and Bode's (2003) tests that the m conditional k × k count matrices ``T`` share one chain.

    Q = Σ_l Σ_i n_il Σ_j (p_ijl − p_ij)² / p_ij over the cells with p_ij > 0,
    LR = 2 Σ n_ijl ln(p_ijl / p_ij) over the cells with n_ijl > 0 (and so
    p_ij > 0); both χ² with Σ_i (b_i − 1)(a_i − 1) degrees of freedom, the
    sum over the rows i with a transition, b_i the number of lag classes with
    a transition from i and a_i the number of positive p_ij.  (giddy also
    adds 1 for each class without any transition, (0 − 1)(0 − 1).)

    Returns
    -------
    dict: ``Q``, ``LR``, ``dof``, ``Q_p_value``, ``LR_p_value``.
    """
    from scipy.stats import chi2

    T = np.asarray(T, float)
    pooled = row_probabilities(T.sum(axis=0))
    cond = row_probabilities(T)
    n_il = T.sum(axis=2, keepdims=True)
    q = float((n_il * (cond - pooled) ** 2 / np.where(pooled == 0, 1, pooled)).sum())
    cells = T > 0
    base = np.broadcast_to(pooled, T.shape)
    lr = float(2 * (T[cells] * np.log(cond[cells] / base[cells])).sum())
    b = (n_il[..., 0] > 0).sum(axis=0)
    a = (pooled > 0).sum(axis=1)
    dof = int(((b - 1) * (a - 1))[b > 0].sum())
    return {"Q": q, "LR": lr, "dof": dof, "Q_p_value": float(chi2.sf(q, dof)), "LR_p_value": float(chi2.sf(lr, dof))}
