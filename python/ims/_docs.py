"""Docstrings from the engine's own tables (the ones `ims list` prints), so
that help(ims.stats.compute) names every statistic and help(ProcessedImageSeries)
every op with its options, and they never disagree with the engine."""

from . import _ims


def _param(p):
    value = p["default"] or p["type"]
    choices = "{" + ",".join(p["choices"]) + "} " if p["choices"] else ""
    return f"        {p['name']}={value}: {choices}{p['doc']}{' (required)' if p['required'] else ''}"


def listing(kind):
    """The entries of `kind` ('statistics', 'ops', 'formats') as text."""
    lines = []
    for entry in _ims.registry()[kind]:
        aliases = f" (alias {', '.join(entry['aliases'])})" if entry["aliases"] else ""
        lines.append(f"    {entry['name']}{aliases}: {entry['summary']}")
        lines.extend(_param(p) for p in entry["params"])
    return "\n".join(lines)


def append(obj, kind, heading):
    obj.__doc__ = (obj.__doc__ or "") + f"\n\n    {heading}\n\n" + listing(kind) + "\n"
