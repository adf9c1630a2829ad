print "py2"
x = f"{d["k"]}"
from .manager import Manager
if x:
	pass
        y = 1
