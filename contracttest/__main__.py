"""``python -m contracttest``: the same as the ``contracttest`` command."""

from __future__ import annotations

from contracttest.cli import main

if __name__ == "__main__":
    main()
