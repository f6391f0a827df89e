// The client socket with deadlines that telechat-conform and telechat-replay
// use: Winsock on Windows, POSIX sockets elsewhere (the pattern of
// apps/client/system.hpp). One socket for both tools, so a fix to one is a
// fix to both.
#pragma once

#if defined(_WIN32)
#include "socket_windows.hpp"
#else
#include "socket_posix.hpp"
#endif
