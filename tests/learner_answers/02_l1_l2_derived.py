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

ALTERNATIVES.update({
    "backward_with_l2": [
        # a loop over the layers, from the last to the first (the import repeats the
        # notebook's, for tests/test_learner_answers.py, which runs the def alone)
        """
        from utils import numpy_net as nn

        fc1, relu1, fc2, relu2, fc3 = caches
        affine_caches, relu_caches = [fc1, fc2, fc3], [relu1, relu2]
        grads = {}
        dout = dscores.reshape(-1, 1)
        for layer in (3, 2, 1):
            dx, dW, db = nn.affine_backward(dout, affine_caches[layer - 1])
            grads[f"W{layer}"] = dW + lambd / m * params[f"W{layer}"]
            grads[f"b{layer}"] = db
            if layer > 1:
                dout = nn.relu_backward(dx, relu_caches[layer - 2])
        return grads
        """,
        # by hand with matrix products, as in the course notes (no layer functions)
        """
        (X, W1), Z1, (A1, W2), Z2, (A2, W3) = caches
        dS = dscores[:, np.newaxis]
        dZ2 = (dS @ W3.T) * (Z2 > 0)
        dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
        return {
            "W3": A2.T @ dS + lambd / m * params["W3"], "b3": dS.sum(axis=0),
            "W2": A1.T @ dZ2 + lambd / m * params["W2"], "b2": dZ2.sum(axis=0),
            "W1": X.T @ dZ1 + lambd / m * params["W1"], "b1": dZ1.sum(axis=0),
        }
        """,
        # einsum, masks from the activations (A > 0 exactly when Z > 0), penalty at the end
        """
        (X, W1), Z1, (A1, W2), Z2, (A2, W3) = caches
        dS = np.reshape(dscores, (len(dscores), 1))
        dZ2 = np.where(A2 > 0, np.einsum("nk,hk->nh", dS, W3), 0.0)
        dZ1 = np.where(A1 > 0, np.einsum("nk,hk->nh", dZ2, W2), 0.0)
        grads = {"W3": np.einsum("nh,nk->hk", A2, dS), "b3": dS.sum(0),
                 "W2": np.einsum("ni,nh->ih", A1, dZ2), "b2": dZ2.sum(0),
                 "W1": np.einsum("nd,ni->di", X, dZ1), "b1": dZ1.sum(0)}
        scale = lambd / m
        return {key: grad + scale * params[key] if key.startswith("W") else grad
                for key, grad in grads.items()}
        """,
        # the layers, then the penalty through a copy of every gradient
        """
        from utils import numpy_net as nn

        fc1, relu1, fc2, relu2, fc3 = caches
        dA2, dW3, db3 = nn.affine_backward(dscores.reshape(len(dscores), 1), fc3)
        dA1, dW2, db2 = nn.affine_backward(nn.relu_backward(dA2, relu2), fc2)
        _, dW1, db1 = nn.affine_backward(nn.relu_backward(dA1, relu1), fc1)
        grads = {"W1": dW1.copy(), "b1": db1, "W2": dW2.copy(), "b2": db2, "W3": dW3.copy(), "b3": db3}
        for key in ("W1", "W2", "W3"):
            grads[key] += lambd / m * params[key]
        return grads
        """,
    ],
    "ista_step": [
        """
        return soft_threshold(w - learning_rate * grad, learning_rate * lambd)
        """,
        # the soft threshold written out instead of calling the one passed in
        """
        v = w - learning_rate * grad
        t = learning_rate * lambd
        return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)
        """,
        # what the clip takes away, in float32
        """
        v = np.asarray(w, np.float32) - np.float32(learning_rate) * np.asarray(grad, np.float32)
        t = np.float32(learning_rate * lambd)
        return v - np.clip(v, -t, t)
        """,
        # three cases with np.where, on a copy
        """
        v = np.array(w, dtype=float)
        v -= learning_rate * grad
        t = learning_rate * lambd
        return np.where(v > t, v - t, np.where(v < -t, v + t, 0.0))
        """,
    ],
    "convert_lambd": [
        """
        keras_l2 = lambd / (2 * m)
        return keras_l2, 2 * keras_l2
        """,
        # one array of two numbers
        """
        return np.array([lambd / 2, lambd]) / m
        """,
        # through the coefficient c of c * sum w^2, as a list
        """
        c = 0.5 * lambd / m          # the course's penalty is c * sum(w ** 2)
        weight_decay = 2 * c         # the gradient of c * sum(w ** 2) is 2 c w
        return [float(c), float(weight_decay)]
        """,
    ],
})
