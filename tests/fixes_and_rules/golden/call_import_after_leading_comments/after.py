#!/usr/bin/env python3
# -*- coding: utf-8 -*-
from app.factory import WidgetFactory
class Widget:
    pass


default = WidgetFactory.build(1)
