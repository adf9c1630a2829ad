# -*- coding: utf-8 -*-
from pkg import (
    a,  # c
    b as c,
)
s = """multi
line"""
