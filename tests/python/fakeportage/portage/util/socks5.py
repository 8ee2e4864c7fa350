# as portage.util.socks5: two names from one import
from portage.process import atexit_register, spawn  # noqa: F401
