import os
from netra.ws.manager import Manager

class A(Manager):
    def f(self, x=1):
        return f"{x!r:>10}"
