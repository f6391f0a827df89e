# Which public headers are POSIX-only. Read with `include()` by the
# `cmake -P` script tests/consumer/umbrella.cmake, so that the list lives in
# one place.
#
# Every other header under include/telechat/ is portable: standard C++20 and
# nothing else, so that <telechat/telechat.hpp> builds on Windows and macOS.

# The POSIX-only headers (paths under include/telechat/). They include the
# operating system's socket headers (<sys/socket.h>, <sys/epoll.h>,
# <unistd.h>, ...), so <telechat/telechat.hpp> leaves them out and programs
# include them on their own. Add a header here only if it cannot be written
# without such headers; a second backend for another system (a Winsock one,
# say) would get a list of its own.
set(TELECHAT_POSIX_ONLY_HEADERS
    server/backends/posix.hpp         # PosixBackend: sockets, epoll, eventfd
    server/backends/tcp_connect.hpp   # tcp_connect(): getaddrinfo, connect, poll
)
