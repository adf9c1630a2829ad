#!/usr/bin/env python3
# -*- coding: utf-8 -*-
class Widget:
    pass


default = Widget(1)
