"""Reads the Random123 known-answer vectors in tests/data."""

from pathlib import Path

DATA = Path(__file__).parent / "data"
KAT_FILES = ("random123_kat_vectors.txt", "random123_old_kat_vectors_philox.txt")


def philox4x32_vectors():
    """(rounds, counter[4], key[2], expected[4]) for every philox4x32 line of both files."""
    out = []
    for name in KAT_FILES:
        for line in (DATA / name).read_text().splitlines():
            f = line.split()
            if len(f) == 12 and f[0] == "philox4x32":
                w = [int(x, 16) for x in f[2:]]
                out.append((int(f[1]), tuple(w[0:4]), tuple(w[4:6]), tuple(w[6:10])))
    return out
