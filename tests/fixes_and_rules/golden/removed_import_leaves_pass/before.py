import pkg.new_utils

try:
    import pkg.old_utils
except ImportError:
    pass

value = pkg.old_utils.run()
