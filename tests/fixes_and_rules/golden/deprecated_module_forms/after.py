import app.modern.tools as tools
from app.modern import thing
from app import modern as oldpkg
from app.modern.sub import alpha, beta as b

print(tools, thing, oldpkg.x, alpha, b)
