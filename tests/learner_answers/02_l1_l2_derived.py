"""Correct answers a learner could write for chapter 2's exercises (02_l1_l2_derived).

Each string replaces the stub lines of the exercise's ``def`` (written dedented);
tests/test_learner_answers.py runs each through its check, tests/test_learner_path.py
runs the whole chapter with them. They may use ``np`` and what the notebook imported before the exercise.
"""

ALTERNATIVES = {
    "compute_cost_with_l2": [
        # loops over layers and entries
        """
        total = 0.0
        for W in weights:
            for value in np.ravel(W):
                total += value * value
        return data_cost + lambd * total / (2 * m)
        """,
        # Frobenius norms, squared
        """
        return data_cost + lambd / (2 * m) * sum(np.linalg.norm(W) ** 2 for W in weights)
        """,
        # all weights as one long vector
        """
        flat = np.concatenate([np.ravel(W) for W in weights])
        return data_cost + lambd / (2 * m) * flat @ flat
        """,
        # einsum per matrix, float32 arithmetic
        """
        squares = sum(np.einsum("ij,ij->", W, W) for W in (np.asarray(W, np.float32) for W in weights))
        return np.float32(data_cost) + np.float32(lambd / (2 * m)) * squares
        """,
    ],
    "l2_grad": [
        """
        return dW + (lambd / m) * W
        """,
        # a fresh copy, then an in-place add into the copy
        """
        grad = np.array(dW, dtype=float)
        grad += lambd / m * W
        return grad
        """,
        # row by row
        """
        grad = np.empty_like(W, dtype=float)
        for i in range(W.shape[0]):
            grad[i] = dW[i] + lambd * W[i] / m
        return grad
        """,
        """
        return np.add(dW, np.multiply(lambd / m, W))
        """,
    ],
    "soft_threshold": [
        """
        return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)
        """,
        # three cases with np.where
        """
        w = np.asarray(w, dtype=float)
        return np.where(w > t, w - t, np.where(w < -t, w + t, 0.0))
        """,
        # what the clip takes away is the answer
        """
        return w - np.clip(w, -t, t)
        """,
        # a loop over the entries, any shape
        """
        out = np.zeros(np.shape(w))
        for index in np.ndindex(out.shape):
            v = w[index]
            out[index] = np.sign(v) * max(abs(v) - t, 0.0)
        return out
        """,
    ],
}
