"""The drop-in machinery: how a torchrng transform draws its parameters.

Every drop-in subclasses its torchvision class and this mixin (placed first). The mixin adds
`generator=` and `stream=` to the constructor and `generator=` to forward, and replaces only the
parameter draws: forward resolves the call's stream (see torchrng._calls), then runs torchvision's
own forward logic with the p gate taken from that stream instead of the global RNG, and
`make_params` samples from the same stream with the native samplers. Nothing touches the global
torch RNG when a generator is given.
"""

from __future__ import annotations

import contextvars
import inspect
from typing import Any

import torch
from torch.utils._pytree import tree_flatten, tree_unflatten

from .. import _C
from .._calls import Call, check_generator, check_stream, resolve_call
from .._validate import raise_if_too_large

# (transform, call) of the forward in progress, so make_params reads the call's stream.
_ACTIVE: contextvars.ContextVar[tuple[Any, Call] | None] = contextvars.ContextVar("torchrng_active", default=None)
# A list collecting (transform, params) while tracing.
_RECORDER: contextvars.ContextVar[list | None] = contextvars.ContextVar("torchrng_recorder", default=None)


def drop_in(cls):
    """Class decorator: gives the drop-in its own __init__ with torchvision's constructor
    signature plus the keyword-only generator= and stream= (what inspect.signature and IDEs show),
    and torchvision's docstring with a note on the generator."""
    tv_cls = next(b for b in cls.__mro__[1:] if b.__module__.startswith("torchvision."))

    def __init__(self, *args, generator=None, stream=None, **kwargs):
        DropIn.__init__(self, *args, generator=generator, stream=stream, **kwargs)

    sig = inspect.signature(tv_cls.__init__)
    params = [p for p in sig.parameters.values() if p.kind != inspect.Parameter.VAR_KEYWORD]
    extra = [
        inspect.Parameter("generator", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("stream", inspect.Parameter.KEYWORD_ONLY, default=None),
    ]
    __init__.__signature__ = sig.replace(parameters=params + extra)
    __init__.__qualname__ = f"{cls.__name__}.__init__"
    cls.__init__ = __init__
    cls.__doc__ = (tv_cls.__doc__ or "") + GENERATOR_DOC
    return cls


GENERATOR_DOC = """
    torchrng: parameters come from a Philox stream instead of the global RNG.

    Extra args:
        generator (torchrng.Key, torchrng.Generator or torch.Generator, optional): where this
            transform's parameters come from. ``forward(..., generator=g)`` takes precedence; then
            this argument; then the ambient key of torchrng.data.SeededDataset; then a key drawn
            from the global torch RNG.
        stream (int or str, optional): this transform's stream id inside torchrng containers
            (default: its position), so that editing the pipeline keeps its stream.
"""


# Attributes of ours, not torchvision hyperparameters; and what is made from the hyperparameters
# (dropped when one is set, remade on use).
_OWN_ATTRIBUTES = ("generator", "stream", "last_params", "training")
_DERIVED_ATTRIBUTES = ("_hyper_cache", "_fill_tensor")


class DropIn:
    """Mixin for a torchvision v2 transform whose parameters come from torchrng streams.

    Subclasses set `_sampler` (the native sampler id) and implement `_hyper()` (the sampler's
    hyperparameters from the validated torchvision attributes) and `_params(row, flat_inputs)`
    (torchvision's make_params dict from a sampled row); p-gated ones set `_gated = True` and put
    the gate in row[0].
    """

    _sampler: int = -1
    _gated: bool = False

    def __init__(self, *args, generator=None, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.generator = check_generator(generator)
        self.stream = check_stream(stream)
        self.last_params: dict | None = None
        self._hyper_values  # validated now: a bad hyperparameter fails at construction

    def _hyper(self) -> list[float]:
        return []

    @property
    def _hyper_values(self) -> tuple:
        """The sampler's hyperparameters, made once from the torchvision attributes and again after
        one of them is set (t.p = 0.0 takes effect, as in torchvision)."""
        values = self.__dict__.get("_hyper_cache")
        if values is None:
            values = self.__dict__["_hyper_cache"] = tuple(self._hyper()) if self._sampler >= 0 else ()
        return values

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name[0] != "_" and name not in _OWN_ATTRIBUTES:
            for derived in _DERIVED_ATTRIBUTES:
                self.__dict__.pop(derived, None)

    def _extract_params_for_v1_transform(self) -> dict[str, Any]:
        """torch.jit.script turns a v2 transform into torchvision's v1 class, which draws from the
        global RNG: without a generator that is what torchvision does; with one it would be lost."""
        if self.generator is not None:
            raise TypeError(f"{type(self).__name__} with a generator cannot be scripted: torch.jit.script converts it "
                            "to torchvision's v1 transform, which draws from the global RNG")
        params = super()._extract_params_for_v1_transform()
        for name in _OWN_ATTRIBUTES:
            params.pop(name, None)
        return params

    # --- the call's stream -----------------------------------------------------------------

    def _call(self) -> Call:
        active = _ACTIVE.get()
        if active is not None and active[0] is self:
            return active[1]
        return resolve_call(None, self.generator)  # make_params called directly

    def _row(self, height: int = 1, width: int = 1) -> tuple:
        c = self._call()
        return _C.sample_one(self._sampler, self._hyper_values, height, width, c.k0, c.k1, c.index, c.block_base)

    # --- torchvision hooks ---------------------------------------------------------------------

    def _sample(self, flat_inputs: list[Any]) -> tuple[bool, dict]:
        """(apply, make_params dict) for the call in progress."""
        row = self._row(*self._size(flat_inputs))
        if self._gated:
            return bool(row[0]), self._params(row, flat_inputs)
        return True, self._params(row, flat_inputs)

    def _size(self, flat_inputs):
        return query_size(flat_inputs)

    def _params(self, row: tuple, flat_inputs: list[Any]) -> dict:
        return {}

    def _replayable(self, params: dict) -> dict:
        """The parameters apply_params hands to transform() (a copy it may change)."""
        return params

    def make_params(self, flat_inputs: list[Any]) -> dict[str, Any]:
        return self._sample(flat_inputs)[1]

    # --- forward ----------------------------------------------------------------------------------

    def forward(self, *inputs: Any, generator=None) -> Any:
        call = resolve_call(generator, self.generator)
        token = _ACTIVE.set((self, call))
        try:
            return self._forward_in_call(inputs, call)
        except RuntimeError as e:
            raise_if_too_large(e, repr(self))  # an output size far beyond memory: say whose
            raise
        finally:
            _ACTIVE.reset(token)

    def _forward_in_call(self, inputs: tuple, call: Call) -> Any:
        """forward's work, with `call` the active stream (subclasses with torchvision's own forward
        override this, not forward)."""
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        self.check_inputs(flat_inputs)
        needs = self._needs_transform_list(flat_inputs)
        apply, params = self._sample([x for x, n in zip(flat_inputs, needs) if n])
        self._record(apply, params)
        if not apply:
            return inputs
        outputs = [self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)]
        return tree_unflatten(outputs, spec)

    def _record(self, apply: bool, params: dict) -> None:
        reported = {"apply": apply, **params} if self._gated else params
        self.last_params = reported
        recorder = _RECORDER.get()
        if recorder is not None:
            recorder.append((self, reported))

    # --- replay -----------------------------------------------------------------------------------

    def sample_params(self, *inputs: Any, generator=None) -> dict:
        """The parameters forward would use for these inputs and this generator (same precedence
        as forward), without transforming anything. p-gated transforms include 'apply'."""
        call = resolve_call(generator, self.generator)
        token = _ACTIVE.set((self, call))
        try:
            inputs = inputs if len(inputs) > 1 else inputs[0]
            flat_inputs, _ = tree_flatten(inputs)
            self.check_inputs(flat_inputs)
            needs = self._needs_transform_list(flat_inputs)
            apply, params = self._sample([x for x, n in zip(flat_inputs, needs) if n])
        finally:
            _ACTIVE.reset(token)
        return {"apply": apply, **params} if self._gated else params

    def apply_params(self, *inputs: Any, params: dict) -> Any:
        """Applies given parameters (from last_params, sample_params or a trace) to new inputs."""
        params = self._replayable(dict(params))
        if not params.pop("apply", True):
            return inputs if len(inputs) > 1 else inputs[0]
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        self.check_inputs(flat_inputs)
        needs = self._needs_transform_list(flat_inputs)
        outputs = [self.transform(x, params) if n else x for x, n in zip(flat_inputs, needs)]
        return tree_unflatten(outputs, spec)


def query_chw(flat_inputs: list[Any]) -> tuple[int, int, int]:
    """torchvision's query_chw, with the same fast path as query_size."""
    from torchvision import tv_tensors
    from torchvision.transforms.v2._utils import query_chw as tv_query_chw

    chws = set()
    for x in flat_inputs:
        if type(x) not in (tv_tensors.Image, tv_tensors.Video, torch.Tensor) or x.ndim < 3:
            return tv_query_chw(flat_inputs)
        shape = x.shape
        chws.add((shape[-3], shape[-2], shape[-1]))
    if len(chws) != 1:
        return tv_query_chw(flat_inputs)
    return chws.pop()


def query_size(flat_inputs: list[Any]) -> tuple[int, int]:
    """torchvision's query_size, with a fast path for the common case of images, videos and plain
    tensors only (their last two dimensions, which must agree)."""
    from torchvision import tv_tensors
    from torchvision.transforms.v2._utils import query_size as tv_query_size

    sizes = set()
    for x in flat_inputs:
        if type(x) not in (tv_tensors.Image, tv_tensors.Video, torch.Tensor) or x.ndim < 2:
            return tv_query_size(flat_inputs)  # torchvision's own errors, for fewer than 2 dimensions too
        shape = x.shape  # tv_tensors' own shape property is the cheapest route (no __torch_function__)
        sizes.add((shape[-2], shape[-1]))
    if len(sizes) != 1:
        return tv_query_size(flat_inputs)  # its own error for none or mismatched sizes
    return sizes.pop()
