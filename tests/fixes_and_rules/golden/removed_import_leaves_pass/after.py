import pkg.new_utils

try:
    pass
except ImportError:
    pass

value = pkg.new_utils.run()
