"""``python -m geolink``: the same as the ``geolink`` command."""

if __name__ == "__main__":  # not when a worker process imports this module (multiprocessing's spawn)
    from geolink.cli import run

    run()
