"""Top-level category classifier for citizen messages (CPU only).

Design (chosen by 5-fold stratified cross-validation on the labelled data):

* every text goes through :func:`gongzhi.dispatch.textnorm.normalise`, then jieba
  cuts it into words once;
* three base models see different views of the text:

  - ``char``: TF-IDF (sublinear tf) of character 1–2-grams of the whole text, plus the
    same for its first :data:`HEAD_CHARS` characters (the subject line, which the
    labelled data glues in front of the body) at weight 0.5, fed to a LinearSVC;
  - ``word``: TF-IDF (sublinear tf) of jieba words, fed to a LinearSVC;
  - ``nb``: the same word TF-IDF fed to a Complement Naive Bayes;

* a multinomial logistic regression (the *stacker*) is fitted on the base models'
  out-of-fold scores over the training data, so its output is a calibrated
  probability per category, which is the ``confidence`` reported;
* the auto-dispatch ``threshold`` is chosen by :func:`choose_threshold` on
  out-of-fold stacker probabilities over the training data only (an inner
  cross-validation), as the lowest confidence at which at least
  :data:`TARGET_PRECISION` of the training rows at or above it are right.

Prediction runs through a flattened copy of the fitted model (``_Compiled``: vocabulary
dictionaries and dense coefficient arrays) that computes the same probabilities as the
scikit-learn objects without their per-call overhead; a test pins the two together.

Everything is deterministic for a given training set (fixed seeds), whatever ``n_jobs``.
Not done, because it did not help in cross-validation: IDF or LSA fitted with the
unlabelled messages, self-training on pseudo-labelled unlabelled messages (-1 to -2
points of macro-F1), word bigrams, char 3/4-grams, class-balanced weights.
"""

from __future__ import annotations

import hashlib
import logging
import math
import pickle
import platform
import statistics
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import jieba
import joblib
import numpy as np
import scipy
import sklearn
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from gongzhi.dispatch.textnorm import normalise

__all__ = [
    "ARTIFACT_FORMAT",
    "TARGET_PRECISION",
    "ArtifactError",
    "CategoryClassifier",
    "choose_threshold",
    "crossval",
    "evaluate",
]

#: Bumped whenever the pickled layout changes; :meth:`CategoryClassifier.load` refuses others.
ARTIFACT_FORMAT = 1
#: Precision the auto-dispatch threshold must reach on the training data's inner CV.
TARGET_PRECISION = 0.97
#: How many leading characters form the "head" (subject) view.
HEAD_CHARS = 60
#: Inner folds used for the stacker's out-of-fold scores and for the threshold.
INNER_FOLDS = 5
#: A threshold above every probability: nothing is auto-dispatched.
NEVER = math.nextafter(1.0, 2.0)
SEED = 0

Row = tuple[str, str]  # (category, text); gongzhi.dispatch.datasets.LabelledRow fits.

jieba.setLogLevel(logging.WARNING)


class ArtifactError(ValueError):
    """A saved model cannot be loaded (wrong file, unknown format)."""


# --- features ---------------------------------------------------------------------------

#: The three count views of a text: char 1–2-grams of the whole text, of its head, jieba words.
VIEWS = ("body", "head", "words")
#: Weight of each view's L2-normalised TF-IDF block in the char model (the words view is alone).
HEAD_WEIGHT = 0.5
CHAR_SVM_C = 10.0
WORD_SVM_C = 3.0
NB_ALPHA = 0.1
#: Inverse regularisation of the stacker (chosen by 5-fold CV with two fold seeds: 0.1–0.3
#: beat 1.0 by ~0.3 points of macro-F1 on both).
STACKER_C = 0.3


def _words(text: str) -> list[str]:
    """Jieba words of a normalised text, without whitespace tokens."""
    return [word for word in jieba.lcut(text) if not word.isspace()]


def _same(tokens: list[str]) -> list[str]:
    """Analyzer for already-tokenised documents (module level so the model pickles)."""
    return tokens


@dataclass(frozen=True)
class _Docs:
    """Normalised texts with their three views, computed once per text."""

    texts: list[str]
    words: list[list[str]]

    @classmethod
    def of(cls, raw: Sequence[str]) -> _Docs:
        texts = [normalise(text) for text in raw]
        return cls(texts, [_words(text) for text in texts])

    def view(self, name: str) -> list[Any]:
        if name == "body":
            return self.texts
        if name == "head":
            return [text[:HEAD_CHARS] for text in self.texts]
        return self.words


def _counter(view: str) -> CountVectorizer:
    if view == "words":
        return CountVectorizer(analyzer=_same)
    return CountVectorizer(analyzer="char", ngram_range=(1, 2))


Counts = tuple[sparse.csr_matrix, ...]  # one count matrix per view, in VIEWS order


@dataclass
class _Vocabulary:
    """Count vectorizers fitted on every training text: the widest vocabulary of each view.

    Inner-CV models use the columns their own training part has seen, which is exactly
    what a vectorizer refitted on that part would produce, without counting n-grams again.
    """

    counters: tuple[CountVectorizer, ...]

    @classmethod
    def fit(cls, docs: _Docs) -> tuple[_Vocabulary, Counts]:
        counters = tuple(_counter(view) for view in VIEWS)
        counts = tuple(
            sparse.csr_matrix(c.fit_transform(docs.view(v)), dtype=np.float64)
            for c, v in zip(counters, VIEWS, strict=True)
        )
        return cls(counters), counts


def _rows(counts: Counts, index: NDArray[np.intp]) -> Counts:
    return tuple(matrix[index] for matrix in counts)


def _aligned(
    scores: NDArray[np.float64], have: NDArray[Any], labels: list[str]
) -> NDArray[np.float64]:
    """Put per-class ``scores`` (columns in ``have`` order) into ``labels`` order.

    A class that a fold never saw gets a score below every other score in the row.
    """
    if scores.ndim == 1:  # two classes: decision_function gives one column
        scores = np.column_stack([-scores, scores])
    if list(have) == labels:
        return scores
    out = np.full((scores.shape[0], len(labels)), scores.min() - 1.0)
    column = {label: i for i, label in enumerate(labels)}
    for j, label in enumerate(have):
        out[:, column[label]] = scores[:, j]
    return out


@dataclass
class _Base:
    """The three base models fitted on one training set; ``scores`` gives 3×K columns.

    ``keep[v]`` are the columns of view ``v`` that occur in this training set (the
    vocabulary a vectorizer fitted on it would have); ``tfidf[v]`` their IDF weights.
    """

    labels: list[str]
    keep: tuple[NDArray[np.intp], ...]
    tfidf: tuple[TfidfTransformer, ...]
    char_svm: LinearSVC
    word_svm: LinearSVC
    word_nb: ComplementNB

    @classmethod
    def fit(cls, counts: Counts, y: NDArray[Any], labels: list[str]) -> _Base:
        keep = tuple(np.flatnonzero(m.getnnz(axis=0)) for m in counts)
        tfidf = tuple(
            TfidfTransformer(sublinear_tf=True).fit(m[:, k])
            for m, k in zip(counts, keep, strict=True)
        )
        base = cls(
            labels,
            keep,
            tfidf,
            LinearSVC(C=CHAR_SVM_C, random_state=SEED),
            LinearSVC(C=WORD_SVM_C, random_state=SEED),
            ComplementNB(alpha=NB_ALPHA),
        )
        xc, xw = base._features(counts)
        base.char_svm.fit(xc, y)
        base.word_svm.fit(xw, y)
        base.word_nb.fit(xw, y)
        return base

    def _features(self, counts: Counts) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        body, head, words = (
            t.transform(m[:, k]) for t, m, k in zip(self.tfidf, counts, self.keep, strict=True)
        )
        return sparse.hstack([body, HEAD_WEIGHT * head], format="csr"), words

    def scores(self, counts: Counts) -> NDArray[np.float64]:
        xc, xw = self._features(counts)
        return np.hstack(
            [
                _aligned(self.char_svm.decision_function(xc), self.char_svm.classes_, self.labels),
                _aligned(self.word_svm.decision_function(xw), self.word_svm.classes_, self.labels),
                _aligned(self.word_nb.predict_log_proba(xw), self.word_nb.classes_, self.labels),
            ]
        )


def _stacker() -> Pipeline:
    return Pipeline(
        [("scale", StandardScaler()), ("lr", LogisticRegression(C=STACKER_C, max_iter=2000))]
    )


def _folds(y: NDArray[Any], wanted: int) -> StratifiedKFold:
    """Stratified folds, fewer than ``wanted`` if the rarest class is too small."""
    smallest = int(min(np.unique(y, return_counts=True)[1]))
    n = min(wanted, smallest)
    if n < 2:
        raise ValueError("every category needs at least 2 training rows")
    return StratifiedKFold(n_splits=n, shuffle=True, random_state=SEED)


@dataclass
class _Compiled:
    """The fitted model flattened to dictionaries and dense arrays for fast prediction.

    Computes exactly what ``stacker.predict_proba(base.scores(vocabulary counts))``
    computes, without scikit-learn's per-call overhead (a few ms per call), so one
    order is classified in about as long as jieba takes to cut it.
    """

    index: tuple[dict[Any, int], ...]  # view -> term -> column in that view's block
    idf: tuple[NDArray[np.float64], ...]
    weight: tuple[float, ...]
    char_coef: NDArray[np.float64]  # (K, body + head columns)
    char_bias: NDArray[np.float64]
    word_coef: NDArray[np.float64]
    word_bias: NDArray[np.float64]
    nb_logprob: NDArray[np.float64]  # (K, word columns)
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    lr_coef: NDArray[np.float64]
    lr_bias: NDArray[np.float64]

    @classmethod
    def of(cls, vocabulary: _Vocabulary, base: _Base, stacker: Pipeline) -> _Compiled:
        index = []
        for counter, keep in zip(vocabulary.counters, base.keep, strict=True):
            position = {old: new for new, old in enumerate(keep.tolist())}
            index.append({t: position[c] for t, c in counter.vocabulary_.items() if c in position})
        k = len(base.labels)

        def square(coef: NDArray[np.float64], bias: NDArray[np.float64]) -> tuple[Any, Any]:
            if coef.shape[0] == 1 and k == 2:  # binary: score for labels[1] is +s, labels[0] -s
                return np.vstack([-coef, coef]), np.array([-bias[0], bias[0]])
            return coef, bias

        for model in (base.char_svm, base.word_svm, base.word_nb):
            if list(model.classes_) != base.labels:
                raise ValueError("final models must have seen every label")
        char_coef, char_bias = square(base.char_svm.coef_, base.char_svm.intercept_)
        word_coef, word_bias = square(base.word_svm.coef_, base.word_svm.intercept_)
        scaler, lr = stacker.named_steps["scale"], stacker.named_steps["lr"]
        return cls(
            tuple(index),
            tuple(t.idf_ for t in base.tfidf),
            (1.0, HEAD_WEIGHT, 1.0),
            np.ascontiguousarray(char_coef),
            char_bias,
            np.ascontiguousarray(word_coef),
            word_bias,
            np.ascontiguousarray(base.word_nb.feature_log_prob_),
            scaler.mean_,
            scaler.scale_,
            lr.coef_,
            lr.intercept_,
        )

    def _vector(
        self, view: int, terms: Iterable[Any]
    ) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Columns and L2-normalised sublinear TF-IDF values of one document's terms."""
        index = self.index[view]
        counts: dict[int, int] = {}
        for term in terms:
            column = index.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0
        values *= self.idf[view][columns]
        norm = math.sqrt(float(values @ values))
        if norm > 0:
            values /= norm
        return columns, values * self.weight[view]

    def proba(self, analyzers: tuple[Any, ...], text: str, words: list[str]) -> NDArray[np.float64]:
        body_c, body_v = self._vector(0, analyzers[0](text))
        head_c, head_v = self._vector(1, analyzers[1](text[:HEAD_CHARS]))
        word_c, word_v = self._vector(2, words)
        offset = len(self.idf[0])
        char = self.char_coef[:, body_c] @ body_v + self.char_coef[:, head_c + offset] @ head_v
        nb = self.nb_logprob[:, word_c] @ word_v
        nb -= np.logaddexp.reduce(nb)
        z = np.concatenate(
            [char + self.char_bias, self.word_coef[:, word_c] @ word_v + self.word_bias, nb]
        )
        logits = self.lr_coef @ ((z - self.mean) / self.scale) + self.lr_bias
        if logits.size == 1:  # binary logistic regression
            p = 1.0 / (1.0 + math.exp(-float(logits[0])))
            return np.array([1.0 - p, p])
        logits -= logits.max()
        e = np.exp(logits)
        result: NDArray[np.float64] = e / e.sum()
        return result


# --- threshold --------------------------------------------------------------------------


def choose_threshold(
    confidences: Sequence[float] | NDArray[np.float64],
    correct: Sequence[bool] | NDArray[np.bool_],
    target_precision: float = TARGET_PRECISION,
) -> float:
    """Lowest confidence ``t`` such that rows with confidence ≥ ``t`` are ≥ target precise.

    ``confidences[i]`` is a row's top confidence and ``correct[i]`` whether its top
    label was right. Only candidate values that occur in ``confidences`` are
    considered, so the result is one of them; if no threshold reaches the target,
    :data:`NEVER` (a value above 1) is returned and nothing is auto-dispatched.
    Pass out-of-fold figures from the training data only, never test rows.
    """
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape:
        raise ValueError("confidences and correct must have the same length")
    if conf.size == 0:
        return NEVER
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    precision = np.cumsum(ok) / np.arange(1, conf.size + 1)
    # A threshold t keeps every row with conf >= t: only the last row of a run of ties counts.
    last_of_tie = np.append(conf[1:] < conf[:-1], True)
    good = np.flatnonzero(last_of_tie & (precision >= target_precision))
    if good.size == 0:
        return NEVER
    return float(conf[good[-1]])


# --- the classifier ---------------------------------------------------------------------


def _data_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for label, text in zip(labels, texts, strict=True):
        digest.update(label.encode())
        digest.update(b"\t")
        digest.update(text.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    def installed(distribution: str) -> str:
        try:
            return importlib_metadata.version(distribution)
        except importlib_metadata.PackageNotFoundError:
            return "unknown"

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "jieba": installed("jieba"),
        "opencc-python-reimplemented": installed("opencc-python-reimplemented"),
        "joblib": joblib.__version__,
    }


class CategoryClassifier:
    """Predicts a message's top-level category with a calibrated confidence.

    Contract:

    * :meth:`fit` takes raw texts and their labels (at least two categories, each
      with at least two rows); it normalises the texts itself.
    * :meth:`predict_top` returns up to ``k`` ``(label, confidence)`` pairs sorted by
      decreasing confidence; confidences over all labels sum to 1.
    * :attr:`threshold` is the auto-dispatch threshold chosen on the training data
      (see :func:`choose_threshold`): a top confidence ≥ it may be routed without a
      human look.
    * :meth:`save`/:meth:`load` round-trip the model and :attr:`metadata` exactly.

    ``n_jobs`` worker processes fit the inner-CV models (the target machine has 2 cores);
    the result does not depend on it.
    """

    def __init__(self, target_precision: float = TARGET_PRECISION, n_jobs: int = 2) -> None:
        self.target_precision = target_precision
        self.n_jobs = n_jobs
        self.labels: list[str] = []
        self.threshold: float = NEVER
        self.metadata: dict[str, Any] = {}
        self._vocabulary: _Vocabulary | None = None
        self._base: _Base | None = None
        self._stacker: Pipeline | None = None
        self._compiled: _Compiled | None = None
        self._analyzers: tuple[Any, ...] = ()

    # training

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> CategoryClassifier:
        """Train on ``texts`` with ``labels``; choose the threshold; fill :attr:`metadata`.

        Only these rows are used, for the model and for the threshold alike.
        """
        if len(texts) != len(labels):
            raise ValueError("texts and labels must have the same length")
        started = time.perf_counter()
        y = np.asarray(labels, dtype=object)
        self.labels = sorted(set(labels))
        if len(self.labels) < 2:
            raise ValueError("need at least two categories")
        folds = _folds(y, INNER_FOLDS)
        vocabulary, counts = _Vocabulary.fit(_Docs.of(texts))

        # Out-of-fold base scores: the stacker learns from scores on rows the bases never saw.
        # The inner-fold bases and the final base are independent: fit them side by side in
        # worker processes (not threads: liblinear's shuffling RNG is process-global, so
        # threads would make the result depend on scheduling).
        splits = list(folds.split(np.zeros(len(y)), y))
        everyone = np.arange(len(y))
        bases = joblib.Parallel(n_jobs=self.n_jobs)(
            joblib.delayed(_Base.fit)(_rows(counts, train), y[train], self.labels)
            for train in [*(train for train, _ in splits), everyone]
        )
        oof = np.zeros((len(y), 3 * len(self.labels)))
        for base, (_, held) in zip(bases, splits, strict=False):
            oof[held] = base.scores(_rows(counts, held))
        stacker = _stacker().fit(oof, y)
        self._install(vocabulary, bases[-1], stacker)

        # Threshold from out-of-fold stacker probabilities, on the training rows only.
        proba = cross_val_predict(_stacker(), oof, y, cv=folds, method="predict_proba")
        top = np.asarray(self.labels, dtype=object)[proba.argmax(axis=1)]
        self.threshold = choose_threshold(proba.max(axis=1), top == y, self.target_precision)

        trained_at = datetime.now(UTC)
        data_hash = _data_hash(texts, labels)
        self.metadata = {
            "version": f"{trained_at:%Y%m%dT%H%M%SZ}-{data_hash[:12]}",
            "artifact_format": ARTIFACT_FORMAT,
            "trained_at": trained_at.isoformat(),
            "train_data_sha256": data_hash,
            "n_rows": len(texts),
            "labels": list(self.labels),
            "threshold": self.threshold,
            "target_precision": self.target_precision,
            "inner_folds": folds.get_n_splits(),
            "train_seconds": round(time.perf_counter() - started, 3),
            "libraries": _library_versions(),
        }
        return self

    def _install(self, vocabulary: _Vocabulary, base: _Base, stacker: Pipeline) -> None:
        self._vocabulary, self._base, self._stacker = vocabulary, base, stacker
        self._compiled = _Compiled.of(vocabulary, base, stacker)
        self._analyzers = tuple(counter.build_analyzer() for counter in vocabulary.counters)

    # prediction

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Probabilities, one row per text, columns in :attr:`labels` order."""
        if self._compiled is None:
            raise RuntimeError("the classifier is not fitted")
        out = np.empty((len(texts), len(self.labels)))
        for i, raw in enumerate(texts):
            text = normalise(raw)
            out[i] = self._compiled.proba(self._analyzers, text, _words(text))
        return out

    def _reference_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """:meth:`predict_proba` through the scikit-learn objects (slow; for checking)."""
        if self._vocabulary is None or self._base is None or self._stacker is None:
            raise RuntimeError("the classifier is not fitted")
        docs = _Docs.of(texts)
        counts = tuple(
            sparse.csr_matrix(c.transform(docs.view(v)), dtype=np.float64)
            for c, v in zip(self._vocabulary.counters, VIEWS, strict=True)
        )
        proba: NDArray[np.float64] = self._stacker.predict_proba(self._base.scores(counts))
        return proba

    def predict_batch(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """:meth:`predict_top` for many texts at once (faster than one by one)."""
        proba = self.predict_proba(texts)
        k = max(1, min(k, len(self.labels)))
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [
            [(self.labels[j], float(row[j])) for j in best]
            for row, best in zip(proba, order, strict=True)
        ]

    def predict_top(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most likely labels of ``text`` with their confidences, best first."""
        return self.predict_batch([text], k)[0]

    def auto_dispatch(self, confidence: float) -> bool:
        """Whether a top ``confidence`` is high enough to route without a human look."""
        return confidence >= self.threshold

    # persistence

    def save(self, path: str | Path) -> Path:
        """Write the model and its metadata to ``path`` (joblib); return the path."""
        if self._base is None:
            raise RuntimeError("the classifier is not fitted")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": ARTIFACT_FORMAT,
            "metadata": self.metadata,
            "target_precision": self.target_precision,
            "labels": self.labels,
            "threshold": self.threshold,
            "vocabulary": self._vocabulary,
            "base": self._base,
            "stacker": self._stacker,
        }
        joblib.dump(payload, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> CategoryClassifier:
        """Read a model written by :meth:`save`.

        Raises :class:`ArtifactError` if the file is not such a model or has another
        artifact format; warns if it was trained with another scikit-learn version.
        Only load files you trust: this unpickles.
        """
        try:
            payload = joblib.load(Path(path))
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            IndexError,
            TypeError,
            AttributeError,
            ImportError,
            pickle.UnpicklingError,
        ) as exc:
            raise ArtifactError(f"{path}: not a classifier artifact ({exc})") from exc
        if not isinstance(payload, dict) or payload.get("format") != ARTIFACT_FORMAT:
            found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
            raise ArtifactError(f"{path}: artifact format {found!r}, expected {ARTIFACT_FORMAT}")
        trained_with = payload["metadata"].get("libraries", {}).get("scikit-learn")
        if trained_with != sklearn.__version__:
            warnings.warn(
                f"{path} was trained with scikit-learn {trained_with}, "
                f"running {sklearn.__version__}",
                stacklevel=2,
            )
        model = cls(payload["target_precision"])
        model.labels = payload["labels"]
        model.threshold = payload["threshold"]
        model.metadata = payload["metadata"]
        model._install(payload["vocabulary"], payload["base"], payload["stacker"])
        return model


# --- evaluation -------------------------------------------------------------------------


def _split(rows: Sequence[Row]) -> tuple[list[str], list[str]]:
    return [text for _, text in rows], [category for category, _ in rows]


def evaluate(
    train_rows: Sequence[Row],
    test_rows: Sequence[Row],
    latency_sample: int = 200,
    n_jobs: int = 2,
) -> dict[str, Any]:
    """Train on ``train_rows`` only and measure on ``test_rows`` (``(category, text)`` pairs).

    Returns ``accuracy``, ``macro_f1``, ``top2_accuracy``, ``auto_rate`` (share of test
    rows whose top confidence is ≥ the threshold chosen on the training data),
    ``auto_precision`` (accuracy on those rows; ``None`` if there are none),
    ``threshold``, ``train_seconds`` (the whole :meth:`CategoryClassifier.fit`, inner
    CV included), ``ms_per_order`` (mean wall time of :meth:`CategoryClassifier.predict_top`
    on one raw text, normalisation included, over up to ``latency_sample`` test rows),
    ``cpu_ms_per_order`` (the same in CPU time of this process, which a busy machine
    inflates less), and the row counts. ``n_jobs`` is passed to :class:`CategoryClassifier`.
    """
    train_texts, train_labels = _split(train_rows)
    test_texts, test_labels = _split(test_rows)
    started = time.perf_counter()
    model = CategoryClassifier(n_jobs=n_jobs).fit(train_texts, train_labels)
    train_seconds = time.perf_counter() - started

    top = model.predict_batch(test_texts, k=2)
    truth = np.asarray(test_labels, dtype=object)
    predicted = np.asarray([pairs[0][0] for pairs in top], dtype=object)
    second = np.asarray([pairs[1][0] if len(pairs) > 1 else None for pairs in top], dtype=object)
    confidence = np.asarray([pairs[0][1] for pairs in top])
    auto = confidence >= model.threshold
    right = predicted == truth

    sample = test_texts[:latency_sample]
    model.predict_top(sample[0])  # warm caches (jieba dictionary, OpenCC tables)
    tick, cpu_tick = time.perf_counter(), time.process_time()
    for text in sample:
        model.predict_top(text)
    ms_per_order = (time.perf_counter() - tick) * 1000 / len(sample)
    cpu_ms_per_order = (time.process_time() - cpu_tick) * 1000 / len(sample)

    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "top2_accuracy": float(np.mean(right | (second == truth))),
        "auto_rate": float(np.mean(auto)),
        "auto_precision": float(np.mean(right[auto])) if auto.any() else None,
        "threshold": model.threshold if model.threshold <= 1.0 else None,
        "train_seconds": round(train_seconds, 3),
        "ms_per_order": round(ms_per_order, 3),
        "cpu_ms_per_order": round(cpu_ms_per_order, 3),
        "n_train": len(train_rows),
        "n_test": len(test_rows),
    }


FIGURES = (
    "accuracy",
    "macro_f1",
    "top2_accuracy",
    "auto_rate",
    "auto_precision",
    "threshold",
    "train_seconds",
    "ms_per_order",
    "cpu_ms_per_order",
)


def crossval(
    rows: Sequence[Row], folds: int = 5, seed: int = SEED, n_jobs: int = 2
) -> dict[str, Any]:
    """Stratified ``folds``-fold cross-validation of :func:`evaluate` over ``rows``.

    Returns ``{"folds": n, "seed": seed, "n_rows": N, FIGURE: {"mean": m, "std": s}, ...,
    "per_fold": [evaluate(...), ...]}`` for each figure of :func:`evaluate`; ``std`` is
    the population standard deviation over folds, and folds where a figure is
    ``None`` are left out of its mean.
    """
    texts, labels = _split(rows)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    per_fold = []
    for train, test in splitter.split(texts, labels):
        per_fold.append(evaluate([rows[i] for i in train], [rows[i] for i in test], n_jobs=n_jobs))
    summary: dict[str, Any] = {"folds": folds, "seed": seed, "n_rows": len(rows)}
    for name in FIGURES:
        values = [fold[name] for fold in per_fold if fold[name] is not None]
        summary[name] = (
            {"mean": statistics.fmean(values), "std": statistics.pstdev(values)}
            if values
            else {"mean": None, "std": None}
        )
    summary["per_fold"] = per_fold
    return summary
