"""Correct answers to chapter 4's exercises, in different styles (see tests/learner_path.py)."""

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

ALTERNATIVES["train_with_early_stopping"] = [
    # 1. the text's rule in Python floats, the best weights kept with copy.deepcopy
    """
import copy

best_loss, best_epoch, best_weights, wait = float("inf"), 0, None, 0
val_losses = []
for epoch in range(max_epochs):
    step()
    val_losses.append(evaluate())
    if val_losses[-1] + min_delta < best_loss:
        best_loss, best_epoch, wait = val_losses[-1], epoch, 0
        best_weights = copy.deepcopy(get_weights())
    else:
        wait += 1
        if wait >= patience:
            break
set_weights(best_weights)
return best_epoch, epoch, val_losses
""",
    # 2. compared in float32 as Keras does, a while loop, np.array copies
    """
val_losses, best_epoch, best_weights, since_best = [], 0, None, 0
epoch = -1
while epoch + 1 < max_epochs:
    epoch += 1
    step()
    val_losses.append(float(evaluate()))
    if epoch == 0 or np.float32(val_losses[-1] + min_delta) < np.float32(val_losses[best_epoch]):
        best_epoch, since_best = epoch, 0
        best_weights = [np.array(w) for w in get_weights()]
        continue
    since_best += 1
    if since_best >= max(patience, 1):
        break
set_weights(best_weights)
return best_epoch, epoch, val_losses
""",
    # 3. a stopped flag, the stop epoch from the history's length, np.copy
    """
history, best, best_epoch, saved, bad_epochs, stopped = [], None, 0, None, 0, False
for epoch in range(max_epochs):
    if stopped:
        break
    step()
    loss = evaluate()
    history.append(loss)
    improved = best is None or loss + min_delta < best
    if improved:
        best, best_epoch, bad_epochs = loss, epoch, 0
        saved = [np.copy(w) for w in get_weights()]
    else:
        bad_epochs += 1
        stopped = bad_epochs >= patience
set_weights(saved)
return best_epoch, len(history) - 1, history
""",
]

ALTERNATIVES["choose_patience"] = [
    # 1. the course's vectorized rule, a list comprehension for the objective
    """
from utils.early_stopping import early_stopping_rule

rows = np.arange(val_curves.shape[0])

def replay(p):
    best, stop = early_stopping_rule(val_curves, p)
    return val_curves[rows, best].mean() + cost_per_epoch * (stop + 1).mean(), best

scored = [replay(p) for p in patiences]
objective = np.array([value for value, _ in scored])
k = int(np.argmin(objective))
return patiences[k], objective, float(test_curves[rows, scored[k][1]].mean())
""",
    # 2. the rule written out, one run at a time, in plain Python
    """
def stop_run(curve, patience):
    best_loss, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(curve):
        if best_loss is None or loss < best_loss:
            best_loss, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(curve) - 1

objective, restored_at = [], []
for patience in patiences:
    pairs = [stop_run(list(curve), patience) for curve in val_curves]
    restored = [curve[b] for curve, (b, _) in zip(val_curves, pairs)]
    trained = [s + 1 for _, s in pairs]
    objective.append(sum(restored) / len(restored) + cost_per_epoch * sum(trained) / len(trained))
    restored_at.append([b for b, _ in pairs])
k = min(range(len(objective)), key=objective.__getitem__)
test_loss = np.mean([curve[b] for curve, b in zip(test_curves, restored_at[k])])
return patiences[k], np.array(objective), float(test_loss)
""",
    # 3. np.take_along_axis, patiences as an array, the test curves read once at the end
    """
from utils.early_stopping import early_stopping_rule

candidates = np.asarray(patiences)
objective = np.empty(len(candidates))
for i, p in enumerate(candidates):
    best, stop = early_stopping_rule(val_curves, int(p))
    objective[i] = (np.take_along_axis(val_curves, best[:, None], axis=1).mean()
                    + cost_per_epoch * np.mean(stop + 1))
k = int(objective.argmin())
best, _ = early_stopping_rule(val_curves, int(candidates[k]))
test_loss = np.take_along_axis(test_curves, best[:, None], axis=1).mean()
return patiences[k], objective, float(test_loss)
""",
]
