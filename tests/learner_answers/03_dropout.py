"""Correct answers to chapter 3's exercises, written in different styles (see learner_path.py).

The check tests properties, not one recipe, so other valid ways of drawing the
mask (another generator method, float32 draws) must pass it, and every later
cell of the chapter must still run with them.
"""

ALTERNATIVES = {
    "dropout_forward": [
        """
        mask = rng.random(A.shape) < keep_prob
        return np.where(mask, A / keep_prob, 0.0), mask
        """,
        """
        A = np.asarray(A, dtype=float)
        mask = np.empty(A.shape, dtype=bool)
        A_out = np.zeros_like(A)
        for i in range(A.shape[0]):          # one example (row) at a time
            mask[i] = rng.uniform(0.0, 1.0, size=A.shape[1:]) < keep_prob
            A_out[i] = A[i] * mask[i] / keep_prob
        return A_out, mask
        """,
        """
        mask = rng.binomial(1, keep_prob, size=A.shape).astype(bool)   # Bernoulli(keep_prob)
        A_out = A.copy()
        A_out[~mask] = 0.0
        A_out[mask] /= keep_prob
        return A_out, mask
        """,
        """
        draws = rng.random(A.shape, dtype=np.float32)   # float32 draws: another stream
        mask = draws >= np.float32(1.0 - keep_prob)      # keep the top keep_prob of [0, 1)
        return A * mask * (1.0 / keep_prob), mask
        """,
    ],
    "dropout_backward": [
        """
        return np.where(mask, dA_out / keep_prob, 0.0)
        """,
        """
        dA = np.array(dA_out, dtype=float)   # a copy: never write into dA_out
        dA[~mask] = 0.0
        return dA / keep_prob
        """,
        """
        dA = np.zeros_like(dA_out, dtype=float)
        for i in range(dA_out.shape[0]):
            dA[i] = dA_out[i] * mask[i] / keep_prob
        return dA
        """,
        """
        return np.einsum("ij,ij->ij", dA_out, mask.astype(dA_out.dtype)) / keep_prob
        """,
    ],
}
