"""Containers that give every child its own stream.

A container resolves its call's stream like any drop-in, takes its own decision (RandomApply's
gate, RandomChoice's pick, RandomOrder's order) from that stream, and calls child j with the
stream (key.fold_in(stream id), same sample index). The stream id is the child's `stream=` (or
the container's `streams=[...]` entry), else its position. A child constructed with its own
`generator=` is frozen to it. Plain callables and torchvision's own transforms are called as they
are (torchvision's random ones keep drawing from the global RNG).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torchvision.transforms import v2 as T

from .. import _C
from .._calls import Call, check_generator, check_stream, check_streams, resolve_call, stream_id
from ..sample import _geometry as G
from ._base import _RECORDER, DropIn


class Container:
    def _setup(self, generator, stream, streams):
        self.generator = check_generator(generator)
        self.stream = check_stream(stream)
        self.streams = check_streams(streams, len(self.transforms))
        self.last_params: dict | None = None

    def _run_child(self, j: int, inputs: tuple, call: Call):
        child = self.transforms[j]
        if isinstance(child, (DropIn, Container)) and child.generator is None:
            return child(*inputs, generator=call.child(stream_id(self.streams, j, child)))
        return child(*inputs)

    def _run_sequence(self, order, inputs: tuple, call: Call):
        needs_unpacking = len(inputs) > 1
        outputs = inputs if needs_unpacking else inputs[0]
        for j in order:
            outputs = self._run_child(j, inputs, call)
            inputs = outputs if needs_unpacking else (outputs,)
        return outputs

    def _decide(self, call: Call) -> dict:
        return {}

    def _apply(self, decision: dict, inputs: tuple, call: Call):
        return self._run_sequence(range(len(self.transforms)), inputs, call)

    def forward(self, *inputs: Any, generator=None) -> Any:
        call = resolve_call(generator, self.generator)
        decision = self._decide(call)
        self.last_params = decision
        recorder = _RECORDER.get()
        if recorder is not None and decision:
            recorder.append((self, decision))
        return self._apply(decision, inputs, call)


def _init_doc(cls, tv_cls):
    cls.__doc__ = (tv_cls.__doc__ or "") + """
    torchrng: each child draws from its own stream (key.fold_in(stream id), same sample index).

    Extra args:
        generator: as for every torchrng transform (forward's generator= wins).
        stream: this container's own stream id inside an enclosing container.
        streams (list, optional): one stream id per child (None: the child's stream= or position).
"""
    return cls


class Compose(Container, T.Compose):
    def __init__(self, transforms: Sequence, *, generator=None, stream=None, streams=None) -> None:
        T.Compose.__init__(self, transforms)
        self._setup(generator, stream, streams)


class RandomApply(Container, T.RandomApply):
    def __init__(self, transforms, p: float = 0.5, *, generator=None, stream=None, streams=None) -> None:
        T.RandomApply.__init__(self, transforms, p)
        self._setup(generator, stream, streams)

    def _decide(self, call: Call) -> dict:
        (apply,) = _C.sample_one(G.FLIP, (float(self.p),), 1, 1, call.k0, call.k1, call.index, call.block_base)
        return {"apply": apply}

    def _apply(self, decision, inputs, call):
        if not decision["apply"]:
            return inputs if len(inputs) > 1 else inputs[0]
        return self._run_sequence(range(len(self.transforms)), inputs, call)


class RandomChoice(Container, T.RandomChoice):
    def __init__(self, transforms, p=None, *, generator=None, stream=None, streams=None) -> None:
        if isinstance(p, Sequence) and isinstance(transforms, Sequence) and len(p) == len(transforms):
            # Weights summing to 0 would reach torchvision's `prob / total` (a ZeroDivisionError
            # naming nothing); negative, NaN or all-zero weights get a ValueError naming p.
            from ..sample._containers import choice_cumulative

            cumulative = tuple(choice_cumulative(p))
        else:
            cumulative = None
        T.RandomChoice.__init__(self, transforms, p)
        # From the weights as given: torchvision's p / sum(p) turns weights whose sum overflows
        # (1e308, 1e308) into zeros.
        self._cumulative = cumulative
        self._setup(generator, stream, streams)

    def __setattr__(self, name, value) -> None:
        super().__setattr__(name, value)
        if name == "p":  # new weights (t.p = [...]) take effect, as in torchvision
            self.__dict__.pop("_cumulative", None)

    def _decide(self, call: Call) -> dict:
        from ..sample._containers import choice_cumulative
        from ..sample._ids import CHOICE

        if getattr(self, "_cumulative", None) is None:
            self._cumulative = tuple(choice_cumulative(self.p))
        (index,) = _C.sample_one(CHOICE, self._cumulative, 1, 1, call.k0, call.k1, call.index, call.block_base)
        return {"index": index}

    def _apply(self, decision, inputs, call):
        return self._run_sequence([decision["index"]], inputs, call)


class RandomOrder(Container, T.RandomOrder):
    def __init__(self, transforms, *, generator=None, stream=None, streams=None) -> None:
        T.RandomOrder.__init__(self, transforms)
        self._setup(generator, stream, streams)

    def _decide(self, call: Call) -> dict:
        from ..sample._ids import PERMUTATION

        order = _C.sample_one(PERMUTATION, (float(len(self.transforms)),), 1, 1, call.k0, call.k1, call.index,
                              call.block_base)
        return {"order": list(order)}

    def _apply(self, decision, inputs, call):
        return self._run_sequence(decision["order"], inputs, call)


for _cls, _tv in ((Compose, T.Compose), (RandomApply, T.RandomApply), (RandomChoice, T.RandomChoice),
                  (RandomOrder, T.RandomOrder)):
    _init_doc(_cls, _tv)
