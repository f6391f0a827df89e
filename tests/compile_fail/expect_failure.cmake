# Compiles SOURCE with CXX_COMPILER (and INCLUDE_DIR) in STANDARD mode
# (c++20 unless given). With EXPECT=fail, the compile must fail and its output
# must match PATTERN and, if MAX_LINES is given, be at most that many lines
# long (a misuse must get a short answer, not a wall of errors); with
# EXPECT=pass, it must succeed. Run as `cmake -P` by ctest.
cmake_minimum_required(VERSION 3.25)
if(NOT DEFINED STANDARD)
    set(STANDARD c++20)
endif()
execute_process(
    COMMAND ${CXX_COMPILER} -std=${STANDARD} -fsyntax-only -I ${INCLUDE_DIR} ${SOURCE}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT STREQUAL "pass")
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "expected ${SOURCE} to compile, but:\n${out}")
    endif()
    return()
endif()
if(status EQUAL 0)
    message(FATAL_ERROR "expected ${SOURCE} NOT to compile, but it did")
endif()
if(NOT out MATCHES "${PATTERN}")
    message(FATAL_ERROR "the error for ${SOURCE} does not name ${PATTERN}:\n${out}")
endif()
if(DEFINED MAX_LINES)
    string(REGEX MATCHALL "\n" newlines "${out}")
    list(LENGTH newlines lines)
    if(lines GREATER MAX_LINES)
        message(FATAL_ERROR "the error for ${SOURCE} takes ${lines} lines, more than ${MAX_LINES}:\n${out}")
    endif()
endif()
message(STATUS "failed to compile, naming ${PATTERN}, as it should")
