from netra.ws.manager import Manager
m = Manager()
