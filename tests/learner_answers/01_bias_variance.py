"""Correct answers to chapter 1's exercises in styles a learner might write.

Each string replaces the stub lines inside the exercise's ``def``; the harness
(tests/learner_path.py) re-indents it. ``np`` is available.
"""

ALTERNATIVES = {
    "decompose": [
        # vectorized, deviations written out
        """
        mean_pred = np.mean(preds, axis=0)
        bias2 = np.mean((mean_pred - f_true) ** 2)
        variance = np.mean((preds - mean_pred) ** 2)
        return bias2, variance
        """,
        # loops over points and rounds, plain Python floats
        """
        rounds, points = preds.shape
        bias2, variance = 0.0, 0.0
        for j in range(points):
            mean_j = sum(preds[r, j] for r in range(rounds)) / rounds
            bias2 += (mean_j - f_true[j]) ** 2
            variance += sum((preds[r, j] - mean_j) ** 2 for r in range(rounds)) / rounds
        return bias2 / points, variance / points
        """,
        # float32 and einsum, returned as a list
        """
        p = preds.astype(np.float32)
        centred = p - p.mean(axis=0)
        gap = p.mean(axis=0) - f_true.astype(np.float32)
        return [float(gap @ gap) / p.shape[1],
                float(np.einsum("rj,rj->", centred, centred)) / p.size]
        """,
        # through the identity E[(p - f)^2] = bias^2 + variance, as a length-2 array
        """
        mse = np.mean((preds - f_true) ** 2)
        bias2 = np.mean((preds.mean(axis=0) - f_true) ** 2)
        return np.array([bias2, mse - bias2])
        """,
    ],
    "diagnose": [
        # a lookup on the two booleans
        """
        key = (train_error - base_error > 0.02, dev_error - train_error > 0.02)
        return {(True, True): "high bias and high variance", (True, False): "high bias",
                (False, True): "high variance", (False, False): "good fit"}[key]
        """,
        # nested ifs, the tolerance added on the other side
        """
        if train_error > base_error + 0.02:
            if dev_error > train_error + 0.02:
                return "high bias and high variance"
            return "high bias"
        if dev_error > train_error + 0.02:
            return "high variance"
        return "good fit"
        """,
        # in percentage points, the label built from parts
        """
        avoidable_bias = 100 * (train_error - base_error)
        dev_train_gap = 100 * (dev_error - train_error)
        problems = [name for name, gap in (("high bias", avoidable_bias),
                                           ("high variance", dev_train_gap)) if gap > 2]
        return " and ".join(problems) if problems else "good fit"
        """,
    ],
    "resample_predictions": [
        # preallocated arrays, one row per round
        """
        preds = np.zeros((rounds, len(x_eval)))
        train_mse = np.zeros(rounds)
        for r in range(rounds):
            x_train, y_train = draw_training_set(rng)
            predict = fit(x_train, y_train)
            preds[r, :] = predict(x_eval)
            residuals = predict(x_train) - y_train
            train_mse[r] = residuals @ residuals / len(y_train)
        return preds, train_mse
        """,
        # lists of rows, stacked at the end
        """
        rows, errors = [], []
        for _ in range(rounds):
            x_train, y_train = draw_training_set(rng)
            model = fit(x_train, y_train)
            rows.append(model(x_eval))
            errors.append(float(np.mean(np.square(model(x_train) - y_train))))
        return np.stack(rows), np.array(errors)
        """,
        # a helper per round, zipped apart, float32 and returned as lists
        """
        def one_round():
            x_train, y_train = draw_training_set(rng)
            predict = fit(x_train, y_train)
            return (np.asarray(predict(x_eval), dtype=np.float32),
                    np.float32(np.mean((predict(x_train) - y_train) ** 2)))
        rows, errors = zip(*[one_round() for _ in range(rounds)])
        return [list(row) for row in rows], list(errors)
        """,
    ],
    "learning_curve": [
        # preallocated arrays with enumerate
        """
        train_errors = np.empty(len(sizes))
        dev_errors = np.empty(len(sizes))
        for i, n in enumerate(sizes):
            x, y = x_train[:n], y_train[:n]
            predict = fit(x, y)
            train_errors[i] = np.mean((predict(x) - y) ** 2)
            dev_errors[i] = np.mean((predict(x_dev) - y_dev) ** 2)
        return train_errors, dev_errors
        """,
        # a nested function and two comprehensions over the fitted models
        """
        def mse(predict, x, y):
            return float(np.mean((np.asarray(predict(x)) - y) ** 2))
        models = [(n, fit(x_train[:n], y_train[:n])) for n in sizes]
        return ([mse(p, x_train[:n], y_train[:n]) for n, p in models],
                [mse(p, x_dev, y_dev) for _, p in models])
        """,
        # explicit index loop and squared residuals by hand, as a (2, k) array
        """
        errors = np.zeros((2, len(sizes)))
        for k in range(len(sizes)):
            n = int(sizes[k])
            predict = fit(x_train[0:n], y_train[0:n])
            r_train = predict(x_train[0:n]) - y_train[0:n]
            r_dev = predict(x_dev) - y_dev
            errors[0, k] = np.sum(r_train * r_train) / n
            errors[1, k] = np.sum(r_dev * r_dev) / len(x_dev)
        return errors
        """,
    ],
}
