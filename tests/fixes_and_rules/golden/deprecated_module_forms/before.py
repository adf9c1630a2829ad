import app.oldpkg.tools as tools
from app.oldpkg import thing
from app import oldpkg
from app.oldpkg.sub import alpha, beta as b

print(tools, thing, oldpkg.x, alpha, b)
