"""The installed distribution's version, for ``autograd.__version__`` and ``nn.__version__``."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "chainrule"
UNKNOWN = "0+unknown"  # a source tree that was never installed has no metadata to read


def distribution_version() -> str:
    """``chainrule``'s version from the package metadata (``pip install``), or ``"0+unknown"``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN
