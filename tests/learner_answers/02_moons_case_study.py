"""Correct answers to the moons case study's exercises, in different styles (see
tests/learner_path.py). Each body replaces the stub inside the exercise's ``def``; it imports
what it needs beyond NumPy (the notebook imported keras and Split in the exercise cells)."""

ALTERNATIVES = {
    "build_moons_model": [
        # 1. the article's add() style, imports as in Keras 2 code, the regularizer's class
        """
from keras import Input, Sequential
from keras.layers import Dense
from keras.regularizers import L2

model = Sequential()
model.add(Input(shape=(2,)))
model.add(Dense(500, activation="relu", kernel_regularizer=L2(l2_strength)))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
return model
""",
        # 2. the functional API, objects instead of strings, no regularizer when there is no penalty
        """
import keras

inputs = keras.Input((2,))
penalty = keras.regularizers.L1L2(l1=0.0, l2=l2_strength) if l2_strength > 0 else None
hidden = keras.layers.Dense(500, activation=keras.activations.relu,
                            kernel_regularizer=penalty)(inputs)
outputs = keras.layers.Dense(1, activation=keras.activations.sigmoid)(hidden)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss=keras.losses.BinaryCrossentropy(),
              metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
return model
""",
        # 3. tf.keras (Keras 3 under TensorFlow 2.21), tf.nn activations, a penalty written by hand
        """
import tensorflow as tf

strength = float(l2_strength)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(2,)),
    tf.keras.layers.Dense(500, activation=tf.nn.relu,
                          kernel_regularizer=lambda w: strength * tf.reduce_sum(tf.square(w))),
    tf.keras.layers.Dense(1, activation=tf.nn.sigmoid),
])
model.compile(tf.keras.optimizers.Adam(), tf.keras.losses.binary_crossentropy,
              metrics=["accuracy"])
return model
""",
        # 4. the layers built first, Input without a shape keyword, l2 keyword argument
        """
import keras
from keras import layers, regularizers

stack = [layers.Dense(500, "relu", kernel_regularizer=regularizers.l2(l2=l2_strength)),
         layers.Dense(1, "sigmoid")]
model = keras.Sequential([keras.Input((2,))] + stack)
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
return model
""",
    ],
    "choose_lambda": [
        # 1. folds as index arrays (every k-th point), float32 scores stacked into a (k, M) array
        """
from utils.datasets import Split

n = len(split.y_train)
everyone = np.arange(n)
acc, loss = [], []
for j in range(k):
    held = np.arange(j, n, k)
    rest = np.setdiff1d(everyone, held)
    run = train(Split(split.X_train[rest], split.y_train[rest],
                      split.X_train[held], split.y_train[held]), l2=lambdas)
    acc.append(np.float32(run.test_acc[:, -1]))
    loss.append(np.float32(run.test_loss[:, -1]))
mean_acc, mean_loss = np.stack(acc).mean(axis=0), np.stack(loss).mean(axis=0)
candidates = [m for m in range(len(mean_acc)) if abs(mean_acc[m] - mean_acc.max()) < 1e-6]
best = min(candidates, key=lambda m: mean_loss[m])
chosen = float(lambdas[best])
return chosen, float(train(split, l2=[chosen]).test_acc[0, -1])
""",
        # 2. plain loops over candidates, Split._replace, sums instead of means, lexicographic max
        """
n = len(split.y_train)
folds = [[i for i in range(n) if i % k == j] for j in range(k)]
totals = [[0.0, 0.0] for _ in lambdas]
for held in folds:
    rest = [i for i in range(n) if i not in held]
    fold_split = split._replace(X_train=split.X_train[rest], y_train=split.y_train[rest],
                                X_test=split.X_train[held], y_test=split.y_train[held])
    run = train(fold_split, l2=list(lambdas))
    for m in range(len(lambdas)):
        totals[m][0] += float(run.test_acc[m, -1])
        totals[m][1] += float(run.test_loss[m, -1])
best = max(range(len(lambdas)), key=lambda m: (round(totals[m][0], 6), -totals[m][1]))
chosen = lambdas[best]
final = train(split, l2=[chosen] * 2)            # any call on split itself is the final one
return chosen, float(final.test_acc[0][-1])
""",
        # 3. sort-based ranking on a (k, M) array, the final model trained with every candidate
        """
from utils.datasets import Split

values = np.asarray(lambdas, dtype=float)
fold_of = np.arange(len(split.y_train)) % k
acc, loss = np.zeros((k, len(values))), np.zeros((k, len(values)))
for j in range(k):
    fit, held = fold_of != j, fold_of == j
    run = train(Split(split.X_train[fit], split.y_train[fit],
                      split.X_train[held], split.y_train[held]), l2=values)
    acc[j], loss[j] = run.test_acc[:, -1], run.test_loss[:, -1]
order = np.lexsort((loss.mean(axis=0), -np.round(acc.mean(axis=0), 6)))
best = int(order[0])
everything = train(split, l2=values)
return float(values[best]), float(everything.test_acc[best, -1])
""",
    ],
}
