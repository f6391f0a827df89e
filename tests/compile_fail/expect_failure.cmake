# Compiles SOURCE with CXX_COMPILER (and INCLUDE_DIR). With EXPECT=fail, the
# compile must fail and its output must match PATTERN; with EXPECT=pass, it
# must succeed. Run as `cmake -P` by ctest.
cmake_minimum_required(VERSION 3.25)
execute_process(
    COMMAND ${CXX_COMPILER} -std=c++20 -fsyntax-only -I ${INCLUDE_DIR} ${SOURCE}
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
message(STATUS "failed to compile, naming ${PATTERN}, as it should")
