# Which public headers are POSIX-only or Windows-only, and which headers the others may
# include. Read by tests/headers/CMakeLists.txt and, with `include()` from a
# `cmake -P` script, by tests/consumer/umbrella.cmake and
# check_portable_includes.cmake, so that the list lives in one place.
#
# Every other header under include/telechat/ is portable: standard C++20 and
# nothing else, so that <telechat/telechat.hpp> builds on Windows and macOS.

# The POSIX-only headers (paths under include/telechat/). They include the
# operating system's socket headers (<sys/socket.h>, <sys/epoll.h>,
# <unistd.h>, ...), so <telechat/telechat.hpp> leaves them out and programs
# include them on their own. Add a header here only if it cannot be written
# without such headers.
set(TELECHAT_POSIX_ONLY_HEADERS
    server/backends/posix.hpp         # PosixBackend: sockets, epoll, eventfd
    server/backends/tcp_connect.hpp   # tcp_connect(): getaddrinfo, connect, poll
    history/log_file_posix.hpp        # LogFile: open, fdatasync, fallocate, link, rename
)

# The Windows-only headers: the Winsock backend. They include <winsock2.h>
# and <ws2tcpip.h>; like the POSIX-only ones, <telechat/telechat.hpp> leaves
# them out. They compile on their own in a Windows build (the `windows`
# preset cross-builds with MinGW-w64) and are skipped on other systems.
set(TELECHAT_WINDOWS_ONLY_HEADERS
    server/backends/winsock.hpp          # WinsockBackend
    server/backends/winsock_connect.hpp  # tcp_connect() over Winsock
    server/backends/winsock_errors.hpp   # Winsock errors as IoStatus
    server/backends/winsock_session.hpp  # WSAStartup/WSACleanup; the Winsock includes
    server/backends/wsapoll_poller.hpp   # WsaPollPoller
    history/log_file_windows.hpp         # LogFile: _sopen_s, _commit, MoveFileExA, CopyFileA
)

# The headers that include whichever of a POSIX-only / Windows-only pair the
# system has: they compile on both systems, but they are not portable (they
# reach <unistd.h> or <windows.h>), so <telechat/telechat.hpp> leaves them
# out as well, and programs include them on their own. The checks of portable
# headers skip them by finding them in the POSIX-only list; they are taken
# out of the foreign list below, so the Windows build compiles them too.
set(TELECHAT_EITHER_SYSTEM_HEADERS
    history/log_file.hpp              # log_file_posix.hpp or log_file_windows.hpp
    history/log_recovery.hpp          # recover_log(): reads and cuts the log file
    history/background_sync.hpp       # BackgroundSync: syncs a LogFile once a second
    history/log_rewrite.hpp           # LogRewrite: reads the log, writes PATH.tmp
    history/file_storage.hpp          # FileStorage: the history log
)
list(APPEND TELECHAT_POSIX_ONLY_HEADERS ${TELECHAT_EITHER_SYSTEM_HEADERS})

# The headers a build on this system cannot compile: the other system's.
# (A plain `cmake -P` script has no WIN32: it reads the lists as on Linux.)
if(WIN32)
    set(TELECHAT_FOREIGN_HEADERS ${TELECHAT_POSIX_ONLY_HEADERS})
    list(REMOVE_ITEM TELECHAT_FOREIGN_HEADERS ${TELECHAT_EITHER_SYSTEM_HEADERS})
else()
    set(TELECHAT_FOREIGN_HEADERS ${TELECHAT_WINDOWS_ONLY_HEADERS})
endif()

# The headers of the C++20 standard library (its [headers] section, with the
# <cname> forms of the C headers). A portable header includes these, other
# TeleChat headers (with quotes), and nothing else.
set(TELECHAT_STANDARD_HEADERS
    algorithm any array atomic barrier bit bitset charconv chrono codecvt compare complex
    concepts condition_variable coroutine deque exception execution filesystem format
    forward_list fstream functional future initializer_list iomanip ios iosfwd iostream
    istream iterator latch limits list locale map memory memory_resource mutex new numbers
    numeric optional ostream queue random ranges ratio regex scoped_allocator semaphore set
    shared_mutex source_location span sstream stack stdexcept stop_token streambuf string
    string_view strstream syncstream system_error thread tuple type_traits typeindex typeinfo
    unordered_map unordered_set utility valarray variant vector version
    cassert cctype cerrno cfenv cfloat cinttypes climits clocale cmath csetjmp csignal
    cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype)

# The only other names a portable header may include, each reached only on
# the compiler or in the case its comment gives.
set(TELECHAT_ALLOWED_OTHER_INCLUDES
    # detail/wide_multiply.hpp, under _MSC_VER only: MSVC's intrinsics (__umulh).
    intrin.h
    # hashing/sse2_group_match.hpp, under __SSE2__ / _M_X64 / _M_AMD64 only:
    # the SSE2 intrinsics (ScalarGroupMatch is the standard C++ path).
    emmintrin.h
    # hashing/neon_group_match.hpp, under __ARM_NEON only: the NEON intrinsics.
    arm_neon.h
    # detail/config.hpp, before C++20 only: a file that does not exist, to
    # stop the build after its #error.
    "telechat: the error above says how to fix this"
)
