"""Progress for Python callers: a callback, a tqdm-style bar, or a run in the
background that is iterated for its progress (``ims.stats.start``)."""

import atexit
import collections
import queue
import signal
import threading
import weakref

Progress = collections.namedtuple("Progress", "done total what")
Progress.__doc__ = """Frames done and in total of one pass of a run, and what the pass reads
(a run over an op's statistic image, or a quantile method with several
passes over the frames, makes several passes)."""


class Cancelled(Exception):
    """Raised inside a run's progress callback to stop it (``Run.cancel``)."""


def progress_function(progress):
    """`progress` as the engine's callback f(done, total, what): a callable is
    used as it is; an object with ``update(n)`` (a tqdm bar, or anything shaped
    like one) is advanced by the frames done, and restarted (``reset(total=)``
    and ``set_description``, where it has them) at each new pass."""
    if progress is None or callable(progress) and not hasattr(progress, "update"):
        return progress
    if not hasattr(progress, "update"):
        raise TypeError("progress must be a callable f(done, total, what) or a tqdm-style object with update(n)")
    bar = progress
    state = {"what": None, "done": 0}

    def advance(done, total, what):
        if what != state["what"] or done < state["done"]:  # a new pass
            if hasattr(bar, "reset") and state["what"] is not None:
                bar.reset(total=total)
            else:
                bar.total = total
            if hasattr(bar, "set_description"):
                bar.set_description(what)
            state["what"], state["done"] = what, 0
        bar.update(done - state["done"])
        state["done"] = done

    return advance


_running = weakref.WeakSet()


@atexit.register
def _stop_running_runs():
    """A script that ends with a run still going stops it first: the
    interpreter must not tear down a thread that is inside the engine."""
    for run in list(_running):
        run._stop()


class Run:
    """A computation running in a background thread, iterated for its progress::

        run = ims.stats.start(series, ["median", "max"], memory="2G")
        for p in run:                 # Progress(done, total, what) as frames complete
            print(f"{p.what}: {p.done}/{p.total}", end="\\r")
        images = run.result()

    Ctrl-C while iterating (or waiting in ``result()``) cancels the run and
    raises KeyboardInterrupt; ``cancel()`` stops it from anywhere, and
    ``result()`` then raises ``ims.Error``."""

    _END = object()

    def __init__(self, compute, series, statistics, kwargs):
        self._events = queue.SimpleQueue()
        self._cancel = threading.Event()
        self._outcome = None
        self._failure = None
        self._thread = threading.Thread(target=self._work, args=(compute, series, statistics, kwargs), daemon=True,
                                        name="ims.stats run")
        _running.add(self)
        self._thread.start()

    def _report(self, done, total, what):
        if self._cancel.is_set():
            raise Cancelled("the run was cancelled")
        self._events.put(Progress(done, total, what))

    def _work(self, compute, series, statistics, kwargs):
        try:
            self._outcome = compute(series, statistics, progress=self._report, **kwargs)
        except BaseException as failure:  # handed to the caller's thread by result()
            self._failure = failure
        finally:
            self._events.put(self._END)

    def __iter__(self):
        restore = self._cancel_on_sigint()
        try:
            while True:
                try:
                    event = self._events.get(timeout=0.1)  # a timeout keeps Ctrl-C responsive
                except queue.Empty:
                    continue
                if event is self._END:
                    return
                yield event
        finally:
            restore()
            if self._cancel.is_set():  # Ctrl-C: the run ends within a batch, before KeyboardInterrupt goes on
                self._thread.join()

    def _cancel_on_sigint(self):
        """While the caller iterates (its loop body included), Ctrl-C also
        cancels the run; returns what puts Python's handler back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = signal.getsignal(signal.SIGINT)

        def on_sigint(signum, frame):
            self._cancel.set()
            if callable(previous):
                previous(signum, frame)
            else:
                raise KeyboardInterrupt

        signal.signal(signal.SIGINT, on_sigint)
        return lambda: signal.signal(signal.SIGINT, previous)

    def _stop(self):
        self._cancel.set()
        self._thread.join()

    def cancel(self):
        """Stops the run within a batch of frames; ``result()`` then raises."""
        self._cancel.set()

    def done(self):
        """Whether the run has finished (successfully or not)."""
        return not self._thread.is_alive()

    def result(self, timeout=None):
        """The run's Results, once it has finished; re-raises its error."""
        try:
            self._thread.join(timeout)
        except KeyboardInterrupt:
            self._stop()
            raise
        if self._thread.is_alive():
            raise TimeoutError(f"the run did not finish within {timeout} s")
        if self._failure is not None:
            raise self._failure
        return self._outcome
