// The kit's socket on this system: Winsock on Windows, POSIX sockets
// elsewhere (the pattern of apps/client/system.hpp).
#pragma once

#if defined(_WIN32)
#include "socket_windows.hpp"
#else
#include "socket_posix.hpp"
#endif
