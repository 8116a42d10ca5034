"""Philox4x32-10 on Python ints, for the key derivations (a few blocks per call).

The same function as csrc/core/philox.h; tests check the two against each other and against the
Random123 known-answer vectors. Keys stay plain Python values this way: deriving one needs no
compiled code and no tensor.
"""

_M0, _M1 = 0xD2511F53, 0xCD9E8D57
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK = 0xFFFFFFFF

def _compiling() -> bool:
    # Dynamo cannot trace into the compiled function; it constant-folds the Python one.
    import torch

    return torch.compiler.is_compiling()


try:
    from ._C import philox4x32 as _native
except ImportError:  # the compiled module is missing; torchrng's import reports it
    _native = None


def philox4x32(counter: tuple[int, int, int, int], key: tuple[int, int], rounds: int = 10) -> tuple[int, int, int, int]:
    """Philox4x32-R of 32-bit words. Ten rounds go through the compiled core when it is loaded
    (about 50 times faster); philox4x32_reference is the same function in Python."""
    if rounds == 10 and _native is not None and not _compiling():
        return _native(*counter, *key)
    return philox4x32_reference(counter, key, rounds)


def philox4x32_reference(counter, key, rounds: int = 10):
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for r in range(rounds):
        if r:
            k0 = (k0 + _W0) & _MASK
            k1 = (k1 + _W1) & _MASK
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & _MASK, (p0 >> 32) ^ c3 ^ k1, p0 & _MASK)
    return c0, c1, c2, c3
