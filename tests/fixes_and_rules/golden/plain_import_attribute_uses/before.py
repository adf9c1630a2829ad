import os
import pkg.old_utils


def run():
    pkg.old_utils.setup(os.getcwd())
    return pkg.old_utils.CONSTANT + pkg.old_utils.helpers.compute()
