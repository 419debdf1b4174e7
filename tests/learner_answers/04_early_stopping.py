"""Correct answers to chapter 4's exercise, in different styles (see tests/learner_path.py)."""

ALTERNATIVES = {
    "early_stopping_epoch": [
        # 1. the text's rule with Python floats (float64)
        """
best_loss, best_epoch, wait = None, 0, 0
for epoch, loss in enumerate(val_losses):
    if best_loss is None or loss + min_delta < best_loss:
        best_loss, best_epoch, wait = loss, epoch, 0
    else:
        wait += 1
        if wait >= patience:
            return best_epoch, epoch
return best_epoch, len(val_losses) - 1
""",
        # 2. compared in float32, exactly as Keras compares
        """
best, best_epoch, wait = None, 0, 0
for epoch, loss in enumerate(val_losses):
    shifted = np.float32(float(loss) + min_delta)
    if best is None or shifted < best:
        best, best_epoch, wait = np.float32(loss), epoch, 0
        continue
    wait += 1
    if wait >= max(patience, 1):
        return best_epoch, epoch
return best_epoch, len(val_losses) - 1
""",
        # 3. a while loop over an array, stop epoch kept in a variable
        """
losses = np.asarray(val_losses, dtype=float)
best_epoch, since_best, epoch, stop = 0, 0, 1, len(losses) - 1
while epoch < len(losses):
    if losses[epoch] + min_delta < losses[best_epoch]:
        best_epoch, since_best = epoch, 0
    else:
        since_best += 1
        if since_best >= patience:
            stop = epoch
            break
    epoch += 1
return int(best_epoch), int(stop)
""",
        # 4. the epochs without improvement listed first, then the patience-th of them
        """
losses = [float(v) for v in val_losses]
best, best_epochs, misses = losses[0], [0], []
for epoch in range(1, len(losses)):
    if losses[epoch] + min_delta < best:
        best = losses[epoch]
        best_epochs.append(epoch)
        misses = []
    else:
        misses.append(epoch)
        if len(misses) >= patience:
            break
stop = misses[-1] if misses and len(misses) >= patience else len(losses) - 1
return best_epochs[-1], stop
""",
    ],
}
