from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.bridge import Notifier
from app.services.bridge import Notifier
import pkg.new_utils

value = (Notifier, pkg.new_utils.run())
import pkg.new_utils
