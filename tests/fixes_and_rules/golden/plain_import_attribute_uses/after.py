import os
import pkg.new_utils


def run():
    pkg.new_utils.setup(os.getcwd())
    return pkg.new_utils.CONSTANT + pkg.new_utils.helpers.compute()
