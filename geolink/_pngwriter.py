"""Writing many matplotlib figures as PNG files, in a second process while this one goes on.

The main job (``geolink demo``) builds a figure, hands it to :class:`PngWriter` and computes the
next output while a worker process renders; the worker imports only matplotlib and the CJK font,
and at the end this process renders the figures the worker has not started yet, so that neither
waits for the other.
"""

from __future__ import annotations

import importlib.util
import io
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

DPI = 150
# zlib level 3 instead of Pillow's 6: the demo's maps encode 0.4 s faster in all, for files 1 % larger
PNG_OPTIONS = {"compress_level": 3}


def write_png(fig, path: str) -> None:
    """Write a Figure (or a pickled one, in the worker) as a ``DPI`` PNG, Chinese in the CJK font."""
    from geolink.fonts import cjk_font

    cjk_font()
    if isinstance(fig, bytes):
        fig = pickle.loads(fig)
    _lay_out(fig)
    fig.savefig(path, dpi=DPI, format="png", pil_kwargs=PNG_OPTIONS)


def _lay_out(fig) -> None:
    """Run the figure's layout engine (constrained layout) once at ``DPI`` and keep its result.

    ``savefig`` lays a figure out by drawing all of it with the renderer switched off, then draws
    it again: for the demo's maps the first pass cost as much as the drawing.  The PNG's pixels
    are the same (compared for every demo figure).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    engine = fig.get_layout_engine()
    if engine is None:
        return
    fig.dpi = DPI
    FigureCanvasAgg(fig)
    engine.execute(fig)
    fig.set_layout_engine("none")


class PngWriter:
    """Writes figures as PNG files, in a second process when there is a second core.

    Rendering a figure holds the interpreter lock for 0.3–0.8 s; a worker process (started with
    ``spawn``, so it inherits nothing but what it is sent) renders while this process computes
    the next output.  Figures travel pickled (a national map in about 10 ms).  With one core, when
    no process can be started, or for a figure that does not pickle, the PNG is written in this
    process; :meth:`close` also writes here the figures the worker has not started.
    """

    def __init__(self):
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[tuple[Future, object, str, Callable[[], None]]] = []
        if (os.cpu_count() or 1) > 1:
            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
                )
                with _worker_main():
                    self._pool.submit(int)  # start the worker now: its imports overlap the first computations
            except OSError:  # no process can be started here: write in this process
                self._pool = None

    def save(self, fig, path: str, done: Callable[[], None]) -> None:
        """Write ``fig`` to ``path``, then call ``done()``."""
        if self._pool is not None:
            try:
                payload = pickle.dumps(fig)
            except (pickle.PicklingError, AttributeError, TypeError):  # an artist that does not pickle: here
                payload = None
            if payload is not None:
                future = self._pool.submit(write_png, payload, path)
                future.add_done_callback(lambda f: not f.cancelled() and f.exception() is None and done())
                self._pending.append((future, fig, path, done))
                return
        write_png(fig, path)
        done()

    def close(self) -> None:
        """Write every figure; the first error raised while writing one is raised here.

        Figures still queued for the worker are written in this process, the last first, while
        the worker goes on from the front of the queue.
        """
        try:
            for future, fig, path, done in reversed(self._pending):
                if not future.cancel():  # the worker has started this one, and so every one before it
                    break
                write_png(fig, path)
                done()
            for future, *_ in self._pending:
                if not future.cancelled():
                    future.result()
        finally:
            self.abort()

    def abort(self) -> None:
        """Stop the worker: figures not written yet are dropped (the job failed)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending = []


@contextmanager
def _worker_main():
    """Have a worker started here run ``geolink.__main__`` (which does nothing) as its main module.

    ``spawn`` runs the parent's main script again in each worker; for the ``geolink`` command that
    is ``from geolink.cli import run``, which imports pandas, geopandas, scipy and the rest (two
    seconds on a slow machine) in a process that needs only matplotlib.
    """
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    main.__spec__ = importlib.util.find_spec("geolink.__main__")
    try:
        yield
    finally:
        main.__spec__ = spec


def _start_worker() -> None:
    import atexit

    from matplotlib.figure import Figure

    from geolink.fonts import cjk_font

    cjk_font()
    # load the font's glyphs, the Agg renderer and Pillow's PNG encoder while the first figure is built
    warm = Figure(figsize=(1, 1))
    warm.text(0.5, 0.5, "城市 0.5%", ha="center")
    warm.savefig(io.BytesIO(), dpi=DPI, format="png", pil_kwargs=PNG_OPTIONS)
    # the worker holds nothing to save once its last file is written: leave without the interpreter's
    # teardown of matplotlib (0.3–0.4 s the job would wait for)
    atexit.register(lambda: (sys.stdout.flush(), sys.stderr.flush(), os._exit(0)))
