from netra.ws import get_manager

def f(a, b):
    return get_manager(a, b=b)
