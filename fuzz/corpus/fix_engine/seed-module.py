import pkg.old_utils
import pkg.old_utils as ou
from pkg import old_utils
x = pkg.old_utils.helper(ou.y, old_utils.z)
