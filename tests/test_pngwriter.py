"""The main job's PNG writer: a second process when there is a second core, the same files either way."""

import pickle

import pytest
from matplotlib.figure import Figure

from geolink import _pngwriter
from geolink._pngwriter import PngWriter


def _figure(text: str) -> Figure:
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, text)
    return fig


def test_writer_writes_in_a_worker_and_reports_each_file(tmp_path):
    writer = PngWriter()
    done = []
    for i in range(3):
        writer.save(_figure(f"广州 {i}"), str(tmp_path / f"f{i}.png"), done=lambda i=i: done.append(i))
    writer.close()
    assert sorted(done) == [0, 1, 2]
    assert all((tmp_path / f"f{i}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for i in range(3))


def test_writer_raises_the_workers_error_at_close(tmp_path):
    writer = PngWriter()
    writer.save(_figure("x"), str(tmp_path / "no_such_folder" / "f.png"), done=lambda: None)
    with pytest.raises(FileNotFoundError, match="no_such_folder"):
        writer.close()


def test_writer_abort_drops_pending_figures_quietly(tmp_path, caplog):
    """A failed demo aborts the writer: figures still queued are cancelled without a traceback."""
    writer = PngWriter()
    done = []
    for i in range(6):
        writer.save(_figure(f"{i}"), str(tmp_path / f"f{i}.png"), done=lambda i=i: done.append(i))
    writer.abort()
    assert len(done) < 6 and len(done) == len(list(tmp_path.glob("*.png")))
    assert not [r for r in caplog.records if "exception calling callback" in r.getMessage()]


def test_writer_writes_unpicklable_figures_here(tmp_path, monkeypatch):
    fig = _figure("x")
    fig.unpicklable = lambda: None  # a local function: pickle refuses the figure
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(fig)
    writer = PngWriter()
    done = []
    writer.save(fig, str(tmp_path / "f.png"), done=lambda: done.append(1))
    assert done == [1] and (tmp_path / "f.png").exists()  # written at once, in this process
    writer.close()


def test_one_core_writes_in_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(_pngwriter.os, "cpu_count", lambda: 1)
    writer = PngWriter()
    assert writer._pool is None
    done = []
    writer.save(_figure("x"), str(tmp_path / "f.png"), done=lambda: done.append(1))
    assert done == [1] and (tmp_path / "f.png").exists()
    writer.close()


def test_close_writes_the_figures_the_worker_has_not_started_here(tmp_path):
    """At close this process takes figures from the back of the queue; every file is written once.

    ``done`` runs in this thread for a figure written here, in the pool's thread for the worker's.
    """
    import threading

    writer = PngWriter()
    here = {}
    for i in range(8):
        writer.save(_figure(f"深圳 {i}"), str(tmp_path / f"f{i}.png"),
                    done=lambda i=i: here.setdefault(i, threading.current_thread() is threading.main_thread()))
    writer.close()
    assert sorted(here) == list(range(8))
    assert here[7] and not here[0]  # the last figure was written here, the first by the worker
    assert all((tmp_path / f"f{i}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for i in range(8))


def test_png_matches_matplotlibs_default_encoding_pixel_for_pixel(tmp_path):
    """The faster zlib level changes the file, not the image."""
    import numpy as np
    from PIL import Image

    fig = _figure("广州 1.5%")
    _pngwriter.write_png(fig, str(tmp_path / "fast.png"))
    fig.savefig(tmp_path / "default.png", dpi=_pngwriter.DPI)
    fast, default = (np.asarray(Image.open(tmp_path / n)) for n in ("fast.png", "default.png"))
    assert fast.shape == default.shape == (150, 300, 4) and np.array_equal(fast, default)


def test_laid_out_once_the_png_has_matplotlibs_pixels(tmp_path):
    """The layout engine runs once instead of inside a whole extra draw: same pixels as savefig.

    A constrained-layout figure with what the demo's maps carry: titles, a legend, annotations,
    an inset axes, an equal aspect, a colour bar, a figure-level note and Chinese text.
    """
    import numpy as np
    from PIL import Image

    def figure():
        fig = Figure(figsize=(5, 4), layout="constrained")
        ax = fig.add_subplot()
        ax.scatter([0, 1, 2], [0, 2, 1], c=[1, 2, 3], label="城市 cities")
        for i, name in enumerate("广州 深圳 东莞".split()):
            ax.annotate(name, (i, i % 2), xytext=(3, 3), textcoords="offset points")
        ax.set_aspect("equal")
        ax.set_title("城镇化率 urbanisation (%)")
        ax.legend(title="图例", loc="upper left", bbox_to_anchor=(1, 1))
        inset = ax.inset_axes([0.7, 0.05, 0.25, 0.25])
        inset.plot([0, 1], [1, 0])
        fig.colorbar(ax.collections[0], ax=ax, shrink=0.6, label="值 value")
        fig.supxlabel("数据 Data: synthetic")
        return fig

    _pngwriter.write_png(figure(), str(tmp_path / "once.png"))
    figure().savefig(tmp_path / "default.png", dpi=_pngwriter.DPI)
    once, default = (np.asarray(Image.open(tmp_path / n)) for n in ("once.png", "default.png"))
    assert once.shape == default.shape == (600, 750, 4) and np.array_equal(once, default)


def test_the_worker_does_not_run_the_parents_script_again(tmp_path):
    """spawn re-runs the main script in a worker; for the geolink command that imported pandas, scipy, … there."""
    import subprocess
    import sys

    script = tmp_path / "job.py"
    script.write_text(
        "import pandas  # the script's own imports, which its PNG worker does not need\n"
        "from geolink._pngwriter import PngWriter\n"
        "if __name__ == '__main__':\n"
        "    w = PngWriter()\n"
        "    print(w._pool.submit(eval, \"sorted({'pandas', 'geopandas', 'scipy'} & set(__import__('sys').modules))\").result())\n"
        "    w.close()\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_an_error_in_a_figure_written_at_close_is_raised_and_the_worker_stopped(tmp_path):
    writer = PngWriter()
    for i in range(7):
        writer.save(_figure(f"{i}"), str(tmp_path / f"f{i}.png"), done=lambda: None)
    writer.save(_figure("x"), str(tmp_path / "missing" / "last.png"), done=lambda: None)  # written here or there
    with pytest.raises(FileNotFoundError, match="missing"):
        writer.close()
    assert writer._pool is None
