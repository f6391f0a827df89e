# A ctest test per test executable: it must start and list its tests.
# Why: catch_discover_tests registers what the executable lists when it is
# built; one that crashes at start-up (an ASan report in a global's
# initialiser did, once) lists nothing, contributes no tests, and ctest
# would still be green. Run as: cmake -DEXECUTABLE=path -P starts_and_lists.cmake
execute_process(COMMAND "${EXECUTABLE}" --list-test-names-only
                RESULT_VARIABLE status OUTPUT_VARIABLE listed ERROR_VARIABLE errors)
# Catch2 v2 exits with the number of tests it listed, so any number will do;
# a crash shows as a text ("Child aborted", "Segmentation fault") or as
# something on stderr (a sanitizer's report).
if(NOT status MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${EXECUTABLE} did not start: ${status}\n${errors}")
endif()
if(NOT errors STREQUAL "")
    message(FATAL_ERROR "${EXECUTABLE} wrote to stderr while listing its tests:\n${errors}")
endif()
# CMake splits lists at ';', and so does catch_discover_tests: a test case
# whose name holds one would become two ctest tests that match nothing.
string(FIND "${listed}" ";" semicolon)
if(NOT semicolon EQUAL -1)
    message(FATAL_ERROR "${EXECUTABLE} has a test case whose name holds a ';', which ctest cannot run")
endif()
string(REGEX MATCHALL "[^\n]+" names "${listed}")
list(LENGTH names count)
if(count EQUAL 0)
    message(FATAL_ERROR "${EXECUTABLE} lists no tests")
endif()
message(STATUS "${EXECUTABLE} lists ${count} tests")
