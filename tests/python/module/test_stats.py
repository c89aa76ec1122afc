"""ims.stats against numpy for every statistic and pixel type, hexrd's
result dtypes, the *_iter chunk stops, and compute()."""

import numpy as np
import pytest

import ims

DTYPES = ["uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64"]


def stack_of(dtype, frames=9, rows=13, cols=11):
    rng = np.random.default_rng(11)
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else np.finfo(dtype)
    a = rng.integers(-1000, 1000, size=(frames, rows, cols)).astype(np.float64)
    a = np.clip(a, info.min, info.max).astype(dtype)
    a[0, 0, 0], a[1, 0, 1] = info.max, info.min
    if a.dtype.kind == "f":
        a[2, 1, 1], a[3, 1, 2], a[4, 1, 3] = np.inf, -np.inf, np.nan
    return a


@pytest.mark.parametrize("dtype", DTYPES)
def test_hexrd_statistics_match_numpy(dtype):
    a = stack_of(dtype)
    s = ims.fromarray(a)
    with np.errstate(invalid="ignore", over="ignore"):
        np.testing.assert_array_equal(ims.stats.max(s), a.max(axis=0))
        np.testing.assert_array_equal(ims.stats.min(s), a.min(axis=0))
        assert ims.stats.max(s).dtype == a.dtype
        sum_ = ims.stats.sum(s)
        assert sum_.dtype == np.float64
        np.testing.assert_allclose(sum_, a.astype(np.float64).sum(axis=0), rtol=1e-12)
        average = ims.stats.average(s)
        assert average.dtype == np.float32
        np.testing.assert_allclose(average, a.astype(np.float64).mean(axis=0).astype(np.float32), rtol=1e-6)
        for q in (25, 50, 90, 33.3):
            want = np.percentile(a, q, axis=0).astype(np.float32)
            np.testing.assert_array_equal(ims.stats.percentile(s, q), want, err_msg=f"q={q}")
        # q = 0 and 100 are the extremes. numpy's interpolation turns an
        # infinite extreme into NaN (-inf + inf * 0); ims gives the extreme.
        np.testing.assert_array_equal(ims.stats.percentile(s, 0), a.min(axis=0).astype(np.float32))
        np.testing.assert_array_equal(ims.stats.percentile(s, 100), a.max(axis=0).astype(np.float32))
        np.testing.assert_array_equal(ims.stats.median(s), np.median(a, axis=0).astype(np.float32))


def test_nframes_takes_the_first_frames():
    a = stack_of("uint16")
    np.testing.assert_array_equal(ims.stats.max(a, nframes=4), a[:4].max(axis=0))
    np.testing.assert_array_equal(ims.stats.median(a, nframes=5), np.median(a[:5], axis=0).astype(np.float32))
    np.testing.assert_array_equal(ims.stats.max(a, nframes=100), a.max(axis=0))


def test_compute_gives_several_in_one_pass_with_a_report():
    a = stack_of("float32")
    r = ims.stats.compute(a, ["median", "percentile:90", "max", "std"], memory="64M", threads=2)
    assert list(r) == ["median", "percentile_90", "max", "std"]
    np.testing.assert_array_equal(r["percentile_90"], np.percentile(a, 90, axis=0).astype(np.float32))
    assert r.report["frames"] == 9 and "median" in r.report["text"]
    r = ims.stats.compute(a, ["max"], ops=[("flip", "v")], frames=[1, 3])
    np.testing.assert_array_equal(r["max"], np.maximum(a[1], a[3])[:, ::-1])
    with pytest.raises(ims.Error, match="did you mean 'mean'"):
        ims.stats.compute(a, ["meen"])


def _hexrd_stops(n, k):
    sizes = [n // k] * k
    for i in range(n % k):
        sizes[i] += 1
    sizes[0] -= 1
    return np.cumsum(sizes)


@pytest.mark.parametrize("n,k", [(20, 3), (64, 5), (10, 2), (20, 20), (7, 1)])
def test_iterators_yield_at_hexrds_chunk_stops(n, k):
    a = stack_of("uint16", frames=n)
    stops = _hexrd_stops(n, k)
    assert list(ims.stats._chunk_stops(n, k)) == list(stops)
    for it, fold in ((ims.stats.max_iter, np.max), (ims.stats.min_iter, np.min)):
        yields = list(it(a, k))
        assert len(yields) == k
        for y, stop in zip(yields, stops):
            np.testing.assert_array_equal(y, fold(a[: stop + 1], axis=0))
    for y, stop in zip(ims.stats.sum_iter(a, k), stops):
        np.testing.assert_array_equal(y, a[: stop + 1].astype(np.float64).sum(axis=0))
    for y, stop in zip(ims.stats.average_iter(a, k), stops):
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, a[: stop + 1].mean(axis=0), rtol=1e-6)
    with pytest.raises(ValueError):
        list(ims.stats.max_iter(a, n + 1))


def test_percentile_iter_fills_rows_chunk_by_chunk():
    a = stack_of("float32", rows=23)
    want = np.percentile(a, 25, axis=0).astype(np.float32)
    yields = list(ims.stats.percentile_iter(a, 25, 4))
    stops = _hexrd_stops(23, 4)
    assert len(yields) == 4
    for y, stop in zip(yields, stops):
        np.testing.assert_array_equal(y[: stop + 1], want[: stop + 1])
        assert not y[stop + 1:].any()
    np.testing.assert_array_equal(list(ims.stats.median_iter(a, 3))[-1], np.median(a, axis=0).astype(np.float32))


def test_series_methods_as_thunder():
    a = stack_of("int32")
    s = ims.fromarray(a)
    np.testing.assert_array_equal(s.max(), a.max(axis=0))
    np.testing.assert_allclose(s.mean(), a.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(s.var(), a.var(axis=0), rtol=1e-9)
    np.testing.assert_allclose(s.std(), a.std(axis=0), rtol=1e-9)
    np.testing.assert_array_equal(s.percentile(75), np.percentile(a, 75, axis=0).astype(np.float32))


def test_many_calls_do_not_grow_memory():
    import os
    import resource
    import sys

    if os.environ.get("IMS_SANITIZED"):
        pytest.skip("resident memory under AddressSanitizer is its quarantine's, not ims's")
    a = stack_of("uint16", frames=10, rows=64, cols=64)
    refs = sys.getrefcount(a)
    for _ in range(200):
        ims.stats.max(a)
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(10000):
        ims.stats.max(a)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start
    assert sys.getrefcount(a) == refs
    assert grown_kib < 20 * 1024, f"10,000 calls grew the peak RSS by {grown_kib} KiB"


def test_progress_is_reported_and_its_exceptions_stop_the_run():
    a = stack_of("uint16", frames=40)
    seen = []
    ims.stats.compute(a, ["max"], progress=lambda done, total, what: seen.append((done, total)))
    assert seen and seen[-1] == (40, 40) and all(t == 40 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    def fails(done, total, what):
        raise ValueError("stop here")

    with pytest.raises(ims.Error, match="stop here"):
        ims.stats.compute(a, ["max"], progress=fails)


def test_ctrl_c_stops_a_run_with_keyboard_interrupt():
    import os
    import signal

    a = stack_of("uint16", frames=400)
    read = []

    class Frames:  # a Python source that presses Ctrl-C while frame 20 is read
        def __len__(self):
            return len(a)

        def __getitem__(self, i):
            read.append(i)
            if i == 20:
                os.kill(os.getpid(), signal.SIGINT)
            return a[i]

    with pytest.raises(KeyboardInterrupt):
        ims.stats.compute(Frames(), ["max"], threads=2)
    assert len(read) < len(a)  # stopped within a batch or so, not at the end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's handler is back
    np.testing.assert_array_equal(ims.stats.max(a), a.max(axis=0))  # and the next run is unaffected


def test_ctrl_c_stops_a_run_over_an_array_within_a_batch():
    import os
    import signal

    a = stack_of("uint16", frames=2000, rows=64, cols=64)
    seen = []

    def press_ctrl_c(done, total, what):  # while the engine runs, no Python code of the main thread does
        seen.append(done)
        if len(seen) == 1:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        ims.stats.compute(a, ["median"], threads=2, progress=press_ctrl_c)
    assert seen[-1] < len(a), "the run went on to the end"


class FakeBar:
    """The part of tqdm's interface ims uses (tqdm itself is not a dependency)."""

    def __init__(self):
        self.n, self.total, self.descriptions, self.resets = 0, None, [], 0

    def update(self, n):
        assert n >= 0
        self.n += n

    def reset(self, total=None):
        self.n, self.total, self.resets = 0, total, self.resets + 1

    def set_description(self, text):
        self.descriptions.append(text)


def test_a_tqdm_style_bar_advances_by_frames_and_restarts_each_pass():
    a = stack_of("uint16", frames=30)
    bar = FakeBar()
    ims.stats.compute(a, ["max"], progress=bar)
    assert (bar.n, bar.total, bar.resets, len(bar.descriptions)) == (30, 30, 0, 1)

    bar = FakeBar()  # the dark's own pass over 10 frames, then the 30 processed frames
    ims.stats.compute(a, ["max"], ops=[("dark", "median;frames=:10")], progress=bar)
    assert (bar.n, bar.total, bar.resets, len(bar.descriptions)) == (30, 30, 1, 2)
    assert "median" in bar.descriptions[0]


def test_a_bar_without_reset_gets_its_total_set():
    class Minimal:
        total, n = None, 0

        def update(self, n):
            self.n += n

    bar = Minimal()
    ims.stats.compute(stack_of("uint16", frames=12), ["max"], progress=bar)
    assert (bar.n, bar.total) == (12, 12)
    with pytest.raises(TypeError, match="tqdm-style"):
        ims.stats.compute(stack_of("uint16"), ["max"], progress=42)


def test_a_background_run_is_iterated_for_its_progress():
    a = stack_of("uint16", frames=300, rows=64, cols=64)
    run = ims.stats.start(a, ["median", "max"], threads=2)
    events = list(run)
    assert events and all(isinstance(p, ims.stats.Progress) for p in events)
    assert events[-1].done == events[-1].total == 300
    assert [p.done for p in events] == sorted(p.done for p in events)
    images = run.result()
    assert run.done()
    np.testing.assert_array_equal(images["max"], a.max(axis=0))
    np.testing.assert_array_equal(images["median"], np.median(a, axis=0).astype(np.float32))
    assert images.report["frames"] == 300
    with pytest.raises(TypeError, match="no progress"):
        ims.stats.start(a, ["max"], progress=print)


class Gated:
    """Frames of `a` that, from frame 100 on, wait until the gate opens: a run
    over them cannot end before the test has acted on its first progress."""

    def __init__(self, a):
        import threading

        self.a, self.gate = a, threading.Event()

    def __len__(self):
        return len(self.a)

    def __getitem__(self, i):
        if i >= 100:
            self.gate.wait(30)
        return self.a[i]


def test_a_background_run_can_be_cancelled_and_reports_its_errors():
    a = stack_of("uint16", frames=3000, rows=64, cols=64)
    frames = Gated(a)
    run = ims.stats.start(frames, ["median"], threads=2)
    for p in run:
        run.cancel()
        frames.gate.set()
    with pytest.raises(ims.Error, match="cancelled"):
        run.result()
    assert p.done < 3000, "the run went on to the end"

    bad = ims.stats.start(a, ["no_such_statistic"])
    assert list(bad) == []
    with pytest.raises(ims.Error, match="no_such_statistic"):
        bad.result()


def test_ctrl_c_while_iterating_a_background_run_cancels_it():
    import os
    import signal

    frames = Gated(stack_of("uint16", frames=3000, rows=64, cols=64))
    run = ims.stats.start(frames, ["median"], threads=2)
    with pytest.raises(KeyboardInterrupt):
        for _ in run:
            try:
                os.kill(os.getpid(), signal.SIGINT)
            finally:
                frames.gate.set()
    assert run.done()
    with pytest.raises(ims.Error, match="cancelled"):
        run.result()


def test_a_script_that_ends_during_a_background_run_exits_cleanly():
    import os
    import subprocess
    import sys

    script = ("import numpy as np, ims\n"
              "a = np.random.default_rng(1).integers(0, 9, (4000, 128, 128)).astype(np.uint16)\n"
              "run = ims.stats.start(a, ['median'], threads=2)\n"
              "next(iter(run))\n")
    done = subprocess.run([sys.executable, "-c", script], env=os.environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "FATAL" not in done.stderr, done.stderr
