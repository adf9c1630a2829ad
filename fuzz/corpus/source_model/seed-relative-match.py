from . import sibling
from ..up import thing
import importlib
importlib.import_module("netra.ws.manager")
match x:
    case [a, *rest]:
        pass
type P[T] = tuple[T, T]
