# The tests on Windows: cross-built with MinGW-w64 and run under wine by
# ctest (the `windows` preset), or built natively with MinGW.
#
# Catch2 is the single header of Catch2 2.x (Debian's catch2 package), not
# its CMake package: that one describes the host, and pointing a Windows
# compiler at the host's /usr/include would pull glibc's headers in. So the
# header alone is copied into a folder of the build, the only Catch2 folder
# on the include path, and main() is compiled once, in telechat_catch2_main.
set(TELECHAT_CATCH2_HEADER "/usr/include/catch2/catch.hpp"
    CACHE FILEPATH "The single header of Catch2 2.x, for the Windows build")
if(NOT EXISTS "${TELECHAT_CATCH2_HEADER}")
    message(FATAL_ERROR "Catch2's single header is not at ${TELECHAT_CATCH2_HEADER} "
                        "(apt-get install catch2, or set TELECHAT_CATCH2_HEADER)")
endif()
set(catch2_only "${CMAKE_BINARY_DIR}/catch2-only")
configure_file("${TELECHAT_CATCH2_HEADER}" "${catch2_only}/catch2/catch.hpp" COPYONLY)

add_library(telechat_catch2_main STATIC support/catch2_main.cpp)
target_include_directories(telechat_catch2_main SYSTEM PUBLIC "${catch2_only}")
target_compile_features(telechat_catch2_main PUBLIC cxx_std_20)

# One executable per directory, as on Linux, and one ctest test per source
# file: Catch2 runs only the cases of that file (`-# [#file]`), so ctest
# runs files in parallel and names the file that failed, with a few dozen
# wine processes rather than one per case (each start costs wine 0.1 s or
# more) and no listing of the cases at build time, which would need wine
# during the build.
function(telechat_test_executable name)
    add_executable(${name} ${ARGN})
    target_link_libraries(${name} PRIVATE telechat::telechat telechat_warnings telechat_catch2_main)
    foreach(source IN LISTS ARGN)
        get_filename_component(stem "${source}" NAME_WE)
        # Catch2 ANDs separate test specs: the file, then any exclusions.
        add_test(NAME "${name}: ${stem}"
                 COMMAND ${name} "-#" "[#${stem}]" ${TELECHAT_WINDOWS_TEST_FILTER_${name}}
                         ${TELECHAT_WINDOWS_TEST_FILTER_${stem}})
    endforeach()
endfunction()

# Under wine, recv() on a reset connection returns 0, a clean end of stream,
# so a client cannot see a reset there; on Windows it fails with
# WSAECONNRESET. The one test that needs to see a reset is left out.
set(TELECHAT_WINDOWS_TEST_FILTER_threading_test "~[sees-reset]")

# The short-I/O fixtures (the memory backend cutting every read to one byte)
# test only code that is the same on every system, the memory backend and
# the host, which the Linux runs cover; under wine, where each hand-off
# between threads goes through wineserver, they took a third of the suite's
# time. The TCP fixtures (over Winsock) and the plain memory ones run.
set(TELECHAT_WINDOWS_TEST_FILTER_server_tests "~*server_test::Short*")

# The guide's example of a server on either system (docs/server.md, the
# Winsock section) runs over Winsock here; tests/consumer runs it on Linux.
add_executable(example_server_any_system ${PROJECT_SOURCE_DIR}/docs/examples/server_any_system.cpp)
target_link_libraries(example_server_any_system PRIVATE telechat::telechat telechat_warnings)
add_test(NAME "docs example: server_any_system serves one customer over Winsock"
         COMMAND example_server_any_system)

# telechat-server.exe as a person uses it: exit codes, and Ctrl-C (SIGINT to
# wine, which delivers CTRL_C_EVENT) shutting it down cleanly.
if(TARGET telechat-server AND CMAKE_CROSSCOMPILING_EMULATOR)
    find_program(TELECHAT_BASH bash REQUIRED NO_CMAKE_FIND_ROOT_PATH)
    add_test(NAME "server app: telechat-server.exe exit codes, and Ctrl-C shuts it down cleanly"
             COMMAND ${TELECHAT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/windows_server_app.sh
                     ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:telechat-server>)
    set_tests_properties("server app: telechat-server.exe exit codes, and Ctrl-C shuts it down cleanly"
                         PROPERTIES TIMEOUT 120)
endif()

# telechat-conform.exe against telechat-server.exe, every model; then
# telechat-replay.exe plays a Linux server's trace against it.
if(TARGET telechat-conform AND TARGET telechat-replay AND TARGET telechat-server
   AND CMAKE_CROSSCOMPILING_EMULATOR)
    add_test(NAME "conform: telechat-conform.exe passes against telechat-server.exe, every model; a trace replays"
             COMMAND ${TELECHAT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/windows_conform.sh
                     ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:telechat-server>
                     $<TARGET_FILE:telechat-conform> $<TARGET_FILE:telechat-replay>
                     ${CMAKE_CURRENT_SOURCE_DIR}/desk/transcripts/a_traced_session)
    set_tests_properties("conform: telechat-conform.exe passes against telechat-server.exe, every model; a trace replays"
                         PROPERTIES TIMEOUT 300)
endif()

# telechat-client.exe in script mode against telechat-server.exe.
if(TARGET telechat-client AND TARGET telechat-server AND CMAKE_CROSSCOMPILING_EMULATOR)
    add_test(NAME "client app: telechat-client.exe scripts chat as on Linux, with its exit codes"
             COMMAND ${TELECHAT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/windows_client_app.sh
                     ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:telechat-server>
                     $<TARGET_FILE:telechat-client>)
    set_tests_properties("client app: telechat-client.exe scripts chat as on Linux, with its exit codes"
                         PROPERTIES TIMEOUT 120)
endif()

# The client's pieces that are the same on every system (the line editor,
# display widths, message lines, commands, the agent's view) are unit tested
# here too; the rest of tests/apps spawns processes the POSIX way.
telechat_test_executable(client_app_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/apps/line_editor_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/apps/display_width_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/apps/chat_lines_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/apps/commands_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/apps/agent_view_test.cpp)
