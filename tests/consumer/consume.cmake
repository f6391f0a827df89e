# Builds and runs tests/consumer/project one way (MODE = package,
# subdirectory or include); run as `cmake -P` by ctest.
cmake_minimum_required(VERSION 3.25)

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "failed (${status}): ${ARGN}")
    endif()
endfunction()

set(build "${WORK}/${MODE}")
file(REMOVE_RECURSE "${build}")

if(MODE STREQUAL "include")
    # No CMake at all: the compiler and the include directory are enough.
    file(MAKE_DIRECTORY "${build}")
    run(${CXX_COMPILER} -std=c++20 -I "${TELECHAT_SOURCE}/include"
        "${CONSUMER_SOURCE}/main.cpp" -o "${build}/consumer")
else()
    set(extra "")
    if(MODE STREQUAL "package")
        set(prefix "${WORK}/installed")
        file(REMOVE_RECURSE "${prefix}")
        run(${CMAKE_COMMAND} --install "${TELECHAT_BUILD}" --prefix "${prefix}")
        set(extra "-DCMAKE_PREFIX_PATH=${prefix}")
    else()
        set(extra "-DTELECHAT_SOURCE_DIR=${TELECHAT_SOURCE}")
    endif()
    run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${build}" -G "${GENERATOR}"
        -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCONSUME=${MODE} ${extra})
    run(${CMAKE_COMMAND} --build "${build}")
endif()
run("${build}/consumer")
