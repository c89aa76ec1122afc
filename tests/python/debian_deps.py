"""What the Python tests need from Debian, checked before any test runs.

A module or HDF5 filter plugin that is missing is a broken machine, not a
reason to skip: `make deps` installs every package of
cmake/debian-packages.txt, so the test fails at once with one line naming the
Debian package, instead of erroring deep inside h5py (or, worse, being
skipped on exactly the machines where it matters).

    from debian_deps import require
    np, h5py, hdf5plugin = require("numpy", "h5py", "hdf5plugin", filters=(BLOSC, LZ4))
"""

import importlib
import sys

# The Debian package that provides each Python module the tests import.
MODULE_PACKAGES = {
    "numpy": "python3-numpy",
    "h5py": "python3-h5py",
    "hdf5plugin": "python3-hdf5plugin",
    "scipy": "python3-scipy",
    "scipy.ndimage": "python3-scipy",
    "scipy.sparse": "python3-scipy",
}

# HDF5 filter ids and the Debian package whose plugin h5py loads for them.
# python3-hdf5plugin only *recommends* these, and `make deps` installs no
# recommends, so they are listed in cmake/debian-packages.txt themselves.
BZIP2 = 307
BLOSC = 32001
LZ4 = 32004
FILTER_PACKAGES = {
    BZIP2: ("BZip2", "hdf5-filter-plugin"),
    BLOSC: ("Blosc", "hdf5-filter-plugin-blosc-serial"),
    LZ4: ("LZ4", "hdf5-filter-plugin"),
}


def missing(package, why):
    """Ends the test program with one line naming the missing package."""
    print(f"missing Debian package {package}: {why} (with {sys.executable}); "
          f"it is in cmake/debian-packages.txt: run `make deps`", file=sys.stderr)
    sys.exit(1)


def require(*modules, filters=()):
    """Imports `modules` (returned in order) and checks that h5py can use each
    HDF5 filter id of `filters`; exits naming the Debian package otherwise."""
    loaded = []
    for name in modules:
        try:
            loaded.append(importlib.import_module(name))
        except ImportError as exc:
            missing(MODULE_PACKAGES.get(name, f"python3-{name}"), f"cannot import {name} ({exc})")
    if filters:
        h5py = importlib.import_module("h5py")
        for filter_id in filters:
            name, package = FILTER_PACKAGES[filter_id]
            if not h5py.h5z.filter_avail(filter_id):
                missing(package, f"h5py cannot use the {name} filter ({filter_id}): its HDF5 plugin is absent")
    return loaded[0] if len(loaded) == 1 else tuple(loaded)
