"""``python -m geolink``: the same as the ``geolink`` command."""

if __name__ == "__main__":  # not when a worker process imports this module (multiprocessing's spawn)
    import sys

    from geolink.cli import main

    sys.exit(main())
