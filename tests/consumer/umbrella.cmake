# Checks that <telechat/telechat.hpp> includes every public header, as it
# says it does (everything under include/telechat/ but detail/); run as
# `cmake -P` by ctest with -DTELECHAT_SOURCE=<repository>.
cmake_minimum_required(VERSION 3.25)

set(root "${TELECHAT_SOURCE}/include/telechat")
file(READ "${root}/telechat.hpp" umbrella)
file(GLOB_RECURSE headers RELATIVE "${root}" "${root}/*.hpp")
set(missing "")
set(checked 0)
foreach(header IN LISTS headers)
    if(header STREQUAL "telechat.hpp" OR header MATCHES "^detail/")
        continue()
    endif()
    math(EXPR checked "${checked} + 1")
    string(FIND "${umbrella}" "#include \"${header}\"" at)
    if(at EQUAL -1)
        list(APPEND missing "${header}")
    endif()
endforeach()
if(missing)
    message(FATAL_ERROR "telechat.hpp does not include: ${missing}")
endif()
message(STATUS "telechat.hpp includes all ${checked} public headers")
