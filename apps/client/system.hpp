// The one place where telechat-client chooses its operating system: the
// terminal (or console), the connection and input, and the files and clock.
// Each piece has a POSIX file and a Windows twin with the same names; the
// rest of the client is the same on both.
#pragma once

#if defined(_WIN32)
#include "files_windows.hpp"
#include "server_link_windows.hpp"
#include "terminal_windows.hpp"
#else
#include "files_posix.hpp"
#include "server_link_posix.hpp"
#include "terminal_posix.hpp"
#endif
