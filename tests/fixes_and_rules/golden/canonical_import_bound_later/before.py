from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.bridge import Notifier
from app.legacy.notifier import Notifier
import pkg.old_utils

value = (Notifier, pkg.old_utils.run())
import pkg.new_utils
