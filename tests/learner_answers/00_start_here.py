"""Correct answers to chapter 0's exercise, written in different styles (see learner_path.py)."""

ALTERNATIVES = {
    "accuracy": [
        """
        return float(np.mean((p_pred > 0.5) == y_true))
        """,
        """
        right = 0
        for label, p in zip(y_true, p_pred):
            predicted = 1 if p > 0.5 else 0
            if predicted == label:
                right += 1
        return right / len(y_true)
        """,
        """
        predicted = np.round(p_pred)   # rounds half to even, so 0.5 becomes class 0
        return np.count_nonzero(predicted == y_true) / y_true.size
        """,
        """
        predicted = (p_pred.astype(np.float32) > np.float32(0.5)).astype(np.float32)
        return np.float32(predicted == y_true.astype(np.float32)).mean()
        """,
    ],
}
