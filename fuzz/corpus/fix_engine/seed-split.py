import os
from netra.ws.manager import Manager, Other  # keep
from netra.ws.unified import Manager as M2
