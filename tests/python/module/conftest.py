"""The Python module's tests: `import ims` from the build tree (ctest sets
PYTHONPATH to build/python), hexrd's fixtures from ../shared when present."""

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "python"))
if "PYTHONPATH" not in os.environ:
    sys.path.insert(0, str(ROOT / "build" / "python"))

FIXTURES = ROOT.parent / "shared" / "fixtures" / "hexrd"


@pytest.fixture
def hexrd_fixtures():
    """The folder of hexrd's own files and outputs, or a skip saying why."""
    if not FIXTURES.is_dir():
        pytest.skip(f"hexrd's fixtures are not here ({FIXTURES} is absent: a fresh clone has no ../shared)")
    return FIXTURES
