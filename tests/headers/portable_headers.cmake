# Which public headers are POSIX-only, and which headers the others may
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
# without such headers; a second backend for another system (a Winsock one,
# say) would get a list of its own.
set(TELECHAT_POSIX_ONLY_HEADERS
    server/backends/posix.hpp         # PosixBackend: sockets, epoll, eventfd
    server/backends/tcp_connect.hpp   # tcp_connect(): getaddrinfo, connect, poll
)

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
    # detail/config.hpp, before C++20 only: a file that does not exist, to
    # stop the build after its #error.
    "telechat: the error above says how to fix this"
)
