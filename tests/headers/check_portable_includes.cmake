# Checks that no portable TeleChat header includes a POSIX, Linux or other
# operating-system header, directly or through another TeleChat header; run
# as `cmake -P` by ctest with -DTELECHAT_SOURCE=<repository>.
#
# It reads the #include lines themselves rather than asking the compiler
# which files it opened, for two reasons: an include under an #if for
# another system (`#ifdef __APPLE__`) is seen too, and the standard library's
# own internals (libstdc++'s <thread> opens <pthread.h> on Linux) are not
# mistaken for ours. A portable header may include:
#   - a header of the C++20 standard library, with angle brackets;
#   - another portable TeleChat header, with quotes.
# Every header under include/telechat/ but the POSIX-only and Windows-only ones is checked
# (detail/ too), so whatever a portable header reaches through quotes is
# checked in its own turn; reaching a POSIX-only one is reported as such.
# The lists are in portable_headers.cmake.
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/portable_headers.cmake")
set(root "${TELECHAT_SOURCE}/include/telechat")

# A stale entry would hide nothing, but it would mislead: fail on it too.
foreach(header IN LISTS TELECHAT_POSIX_ONLY_HEADERS TELECHAT_WINDOWS_ONLY_HEADERS)
    if(NOT EXISTS "${root}/${header}")
        message(FATAL_ERROR "portable_headers.cmake lists ${header} as system-only, "
                            "but include/telechat/${header} does not exist")
    endif()
endforeach()

file(GLOB_RECURSE headers RELATIVE "${root}" "${root}/*.hpp")
set(problems "")
set(checked 0)
foreach(header IN LISTS headers)
    if(header IN_LIST TELECHAT_POSIX_ONLY_HEADERS OR header IN_LIST TELECHAT_WINDOWS_ONLY_HEADERS)
        continue()
    endif()
    math(EXPR checked "${checked} + 1")
    # Preprocessor lines only: an #include quoted in a comment starts with
    # `//` or `*`, so it is not read as one.
    file(STRINGS "${root}/${header}" includes REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS includes)
        if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*<([^>]+)>")
            set(name "${CMAKE_MATCH_1}")
            if(NOT name IN_LIST TELECHAT_STANDARD_HEADERS
               AND NOT name IN_LIST TELECHAT_ALLOWED_OTHER_INCLUDES)
                list(APPEND problems "${header}: <${name}> is not a C++20 standard header")
            endif()
        elseif(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
            set(name "${CMAKE_MATCH_1}")
            cmake_path(REPLACE_FILENAME header "${name}" OUTPUT_VARIABLE included)
            cmake_path(NORMAL_PATH included)
            if(included IN_LIST TELECHAT_POSIX_ONLY_HEADERS)
                list(APPEND problems "${header}: \"${name}\" is POSIX-only")
            elseif(included IN_LIST TELECHAT_WINDOWS_ONLY_HEADERS)
                list(APPEND problems "${header}: \"${name}\" is Windows-only")
            elseif(NOT EXISTS "${root}/${included}" OR included MATCHES "^\\.\\./")
                # A quoted name that is not one of ours is looked up like an
                # angle-bracket one, in the system's folders.
                if(NOT name IN_LIST TELECHAT_ALLOWED_OTHER_INCLUDES)
                    list(APPEND problems "${header}: \"${name}\" is not a TeleChat header")
                endif()
            endif()
        else()
            list(APPEND problems "${header}: cannot read `${line}` (an #include of a macro?)")
        endif()
    endforeach()
endforeach()

if(problems)
    list(JOIN problems "\n  " report)
    message(FATAL_ERROR "Portable headers must include only the C++20 standard library and "
                        "other portable TeleChat headers (tests/headers/portable_headers.cmake):\n"
                        "  ${report}")
endif()
message(STATUS "${checked} portable headers include only the C++20 standard library and each other")
