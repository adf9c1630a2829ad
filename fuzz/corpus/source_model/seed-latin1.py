# -*- coding: latin-1 -*-
x = "é"
import pkg.old_utils as u
