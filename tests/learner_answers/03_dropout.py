"""Correct answers to chapter 3's exercises, written in different styles (see learner_path.py).

The check tests properties, not one recipe, so other valid ways of drawing the
mask (another generator method, float32 draws) must pass it, and every later
cell of the chapter must still run with them. The bodies import what they use
beyond NumPy, so they also run outside the chapter's kernel.
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
    "dropout_net_loss": [
        """
        from utils.numpy_net import (affine_backward, affine_forward, relu_backward,
                                     relu_forward, sigmoid_cross_entropy)
        caches, A = [], X
        for layer, (mask, keep_prob) in enumerate(zip(masks, keep_probs), start=1):
            Z, affine_cache = affine_forward(A, params[f"W{layer}"], params[f"b{layer}"])
            A, relu_cache = relu_forward(Z)
            A = A * mask / keep_prob
            caches.append((affine_cache, relu_cache, mask, keep_prob))
        scores, out_cache = affine_forward(A, params["W3"], params["b3"])
        cost, dscores = sigmoid_cross_entropy(scores[:, 0], y)
        grads = {}
        dA, grads["W3"], grads["b3"] = affine_backward(dscores[:, None], out_cache)
        for layer in (2, 1):                      # backprop runs the layers in reverse
            affine_cache, relu_cache, mask, keep_prob = caches[layer - 1]
            dZ = relu_backward(dA * mask / keep_prob, relu_cache)
            dA, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dZ, affine_cache)
        return cost, grads
        """,
        """
        n = X.shape[0]
        (m1, m2), (p1, p2) = masks, keep_probs
        Z1 = X @ params["W1"] + params["b1"]
        H1 = np.where(m1, np.maximum(Z1, 0) / p1, 0.0)
        Z2 = H1 @ params["W2"] + params["b2"]
        H2 = np.where(m2, np.maximum(Z2, 0) / p2, 0.0)
        z = H2 @ params["W3"][:, 0] + params["b3"][0]
        cost = float(np.mean(np.logaddexp(0.0, z) - y * z))
        dz = (1.0 / (1.0 + np.exp(-z)) - y) / n
        dH2 = np.outer(dz, params["W3"][:, 0])
        dZ2 = np.where(m2 & (Z2 > 0), dH2 / p2, 0.0)
        dH1 = dZ2 @ params["W2"].T
        dZ1 = np.where(m1 & (Z1 > 0), dH1 / p1, 0.0)
        return cost, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
                      "W2": H1.T @ dZ2, "b2": dZ2.sum(axis=0),
                      "W3": H2.T @ dz[:, None], "b3": np.array([dz.sum()])}
        """,
        """
        # Dropout before the ReLU: the same network, since ReLU(m z / p) = m ReLU(z) / p.
        n = len(y)
        scale = [np.asarray(m, dtype=float) / p for m, p in zip(masks, keep_probs)]
        Z1 = np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"]
        D1 = np.maximum(Z1 * scale[0], 0.0)
        Z2 = np.einsum("nh,hk->nk", D1, params["W2"]) + params["b2"]
        D2 = np.maximum(Z2 * scale[1], 0.0)
        z = np.einsum("nk,ko->n", D2, params["W3"]) + params["b3"][0]
        log_p1, log_p0 = -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)
        cost = -np.sum(y * log_p1 + (1 - y) * log_p0) / n
        dz = (np.exp(log_p1) - y) / n
        grads = {"W3": np.einsum("nk,n->k", D2, dz)[:, None], "b3": np.array([dz.sum()])}
        dZ2 = np.einsum("n,k->nk", dz, params["W3"][:, 0]) * (Z2 * scale[1] > 0) * scale[1]
        grads["W2"], grads["b2"] = np.einsum("nh,nk->hk", D1, dZ2), dZ2.sum(axis=0)
        dZ1 = (dZ2 @ params["W2"].T) * (Z1 * scale[0] > 0) * scale[0]
        grads["W1"], grads["b1"] = np.einsum("nd,nh->dh", X, dZ1), dZ1.sum(axis=0)
        return cost, grads
        """,
    ],
    "mc_dropout_predict": [
        """
        from utils import numpy_net

        def inverted_dropout(A, keep_prob, gen):
            mask = gen.random(A.shape) < keep_prob
            return A * mask / keep_prob, mask

        n = len(X)
        stacked = np.tile(X, (T, 1))              # T copies: every row draws its own masks
        logits = numpy_net.forward(params, stacked, mode="train", keep_probs=keep_probs,
                                   dropout_forward=inverted_dropout, rng=rng)[0]
        probs = numpy_net.sigmoid(logits).reshape(T, n)
        return probs.mean(axis=0), probs.std(axis=0, ddof=1)
        """,
        """
        layers = len([key for key in params if key.startswith("W")])
        probs_keep = np.broadcast_to(np.asarray(keep_probs, dtype=float), (layers - 1,))
        runs = []
        for _ in range(T):
            A = np.asarray(X, dtype=float)
            for layer in range(1, layers):
                A = np.maximum(A @ params[f"W{layer}"] + params[f"b{layer}"], 0.0)
                A = A * (rng.random(A.shape) < probs_keep[layer - 1]) / probs_keep[layer - 1]
            z = (A @ params[f"W{layers}"] + params[f"b{layers}"])[:, 0]
            runs.append(1.0 / (1.0 + np.exp(-z)))
        runs = np.array(runs)
        return runs.mean(axis=0), runs.std(axis=0)
        """,
        """
        from utils import numpy_net

        def binomial_dropout(A, keep_prob, gen):
            mask = gen.binomial(1, keep_prob, size=A.shape).astype(bool)
            return np.where(mask, A / keep_prob, 0.0), mask

        total = np.zeros(len(X))
        total_sq = np.zeros(len(X))
        for _ in range(T):                        # running sums: no (T, n) array kept
            p = numpy_net.sigmoid(numpy_net.forward(params, X, mode="train",
                                                    keep_probs=keep_probs,
                                                    dropout_forward=binomial_dropout,
                                                    rng=rng)[0])
            total += p
            total_sq += p ** 2
        mean = total / T
        return mean, np.sqrt(np.maximum(total_sq / T - mean ** 2, 0.0))
        """,
    ],
}
