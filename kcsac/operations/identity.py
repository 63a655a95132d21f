"""Who is acting on a file: the operating-system account of this process, never the environment.

The standard library's user-name lookup (in `getpass`) reads LOGNAME, USER, LNAME and
USERNAME before it asks the system, so `LOGNAME=demo-admin kcsac ...` would act as the
administrator. kcsac asks the operating system instead: on POSIX the password-database entry
of the process's effective user id, on Windows the account of the process's access token
(GetUserNameW). Neither reads an environment variable. A kcsac user may also sign in as
another kcsac user with that user's password (`operations.users.sign_in`: the desk's
File > Sign in as..., the CLI's --user).
"""

import os
import sys


def os_account() -> str:
    """The login name of the account this process runs as; "" when the system names none
    (a container's user id without a password-database entry): then kcsac is read-only."""
    if sys.platform == "win32":
        return _windows_account()
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return ""


def _windows_account() -> str:  # pragma: no cover - runs on Windows only
    """The user name of the calling thread's token (the process's account, not %USERNAME%)."""
    import ctypes
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    get_user_name = advapi32.GetUserNameW
    get_user_name.argtypes = (wintypes.LPWSTR, ctypes.POINTER(wintypes.DWORD))
    get_user_name.restype = wintypes.BOOL
    size = wintypes.DWORD(257)  # UNLEN + 1
    buffer = ctypes.create_unicode_buffer(size.value)
    if not get_user_name(buffer, ctypes.byref(size)):
        return ""
    return buffer.value
