from pkg.old_utils import (
    Notifier,
    helper,
)
n = Notifier(1)

def g():
    from old import thing
    return thing
