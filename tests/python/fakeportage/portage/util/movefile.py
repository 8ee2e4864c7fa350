# as portage.util.movefile: the name bound at import
from portage.process import spawn  # noqa: F401
