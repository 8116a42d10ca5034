"""Drop-in replacements for torchvision.transforms.v2 with local generators.

`import torchrng.transforms as T` in place of `import torchvision.transforms.v2 as T`: every random
transform takes `generator=` (constructor and forward) and draws from torchrng streams; every
other name (non-random transforms, `functional`, InterpolationMode, ...) is torchvision's own.
"""

from torchvision.transforms import v2 as _tv

# Everything torchvision.transforms.v2 exports, then our drop-ins over the random ones.
_globals = globals()
for _name in dir(_tv):
    if not _name.startswith("_"):
        _globals[_name] = getattr(_tv, _name)

from torchvision.transforms.v2 import functional  # noqa: E402,F401

from ._base import DropIn  # noqa: E402,F401
from ._container import Compose, Container, RandomApply, RandomChoice, RandomOrder  # noqa: E402,F401
from ._auto_augment import *  # noqa: E402,F401,F403
from ._auto_augment import __all__ as _auto_augment_all  # noqa: E402
from ._color import *  # noqa: E402,F401,F403
from ._color import __all__ as _color_all  # noqa: E402
from ._geometry import *  # noqa: E402,F401,F403
from ._geometry import __all__ as _geometry_all  # noqa: E402
from ._trace import trace  # noqa: E402,F401

DROP_INS = tuple(_geometry_all) + tuple(_color_all) + tuple(_auto_augment_all) + ("Compose", "RandomApply", "RandomChoice", "RandomOrder")
