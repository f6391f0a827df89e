# Builds and runs tests/consumer/project and every program of docs/examples/
# one way (MODE = package, subdirectory or include); run as `cmake -P` by ctest.
cmake_minimum_required(VERSION 3.25)

function(run)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "IN" "")
    if(NOT arg_IN)
        set(arg_IN "${WORK}")
    endif()
    list(JOIN arg_UNPARSED_ARGUMENTS " " shown)
    message(STATUS "(in ${arg_IN}) ${shown}")
    execute_process(COMMAND ${arg_UNPARSED_ARGUMENTS} WORKING_DIRECTORY "${arg_IN}" RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "failed (${status}): ${shown}")
    endif()
endfunction()

set(build "${WORK}/${MODE}")
file(REMOVE_RECURSE "${build}")
file(GLOB examples "${TELECHAT_SOURCE}/docs/examples/*.cpp")
if(NOT examples)
    message(FATAL_ERROR "no example in ${TELECHAT_SOURCE}/docs/examples")
endif()

if(MODE STREQUAL "include")
    # No CMake at all: the compiler and the include directory are enough
    # (-pthread for the server's threads).
    file(MAKE_DIRECTORY "${build}")
    set(flags -std=c++20 -pthread -I "${TELECHAT_SOURCE}/include")
    run(${CXX_COMPILER} ${flags} "${CONSUMER_SOURCE}/main.cpp" -o "${build}/consumer")
    foreach(example IN LISTS examples)
        get_filename_component(name "${example}" NAME_WE)
        run(${CXX_COMPILER} ${flags} -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
            -Werror "${example}" -o "${build}/${name}")
    endforeach()
elseif(MODE STREQUAL "package")
    # Exactly the README's sequence, with a binary directory and an install
    # prefix of this test's own:
    #   cmake -S . -B build/install -DTELECHAT_BUILD_TESTS=OFF -DTELECHAT_BUILD_BENCH=OFF -DTELECHAT_BUILD_DOCS=OFF
    #   cmake --build build/install --parallel
    #   cmake --install build/install --prefix "$HOME/.local"
    #   # then, in your own project:
    #   cmake -S . -B build -DCMAKE_PREFIX_PATH="$HOME/.local"
    #   cmake --build build
    set(telechat_build "${WORK}/package-telechat-build")
    set(prefix "${WORK}/package-prefix")
    file(REMOVE_RECURSE "${telechat_build}" "${prefix}")
    run(${CMAKE_COMMAND} -S . -B "${telechat_build}" -DTELECHAT_BUILD_TESTS=OFF -DTELECHAT_BUILD_BENCH=OFF
        -DTELECHAT_BUILD_DOCS=OFF IN "${TELECHAT_SOURCE}")
    run(${CMAKE_COMMAND} --build "${telechat_build}" --parallel IN "${TELECHAT_SOURCE}")
    run(${CMAKE_COMMAND} --install "${telechat_build}" --prefix "${prefix}" IN "${TELECHAT_SOURCE}")
    if(NOT EXISTS "${prefix}/bin/telechat-server" OR NOT EXISTS "${prefix}/bin/telechat-client")
        message(FATAL_ERROR "cmake --install did not install telechat-server and telechat-client")
    endif()
    run(${CMAKE_COMMAND} -S . -B "${build}" "-DCMAKE_PREFIX_PATH=${prefix}" IN "${CONSUMER_SOURCE}")
    run(${CMAKE_COMMAND} --build "${build}" IN "${CONSUMER_SOURCE}")
    file(REMOVE_RECURSE "${telechat_build}" "${prefix}")
else()
    run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${build}" -G "${GENERATOR}"
        -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCONSUME=${MODE} -DTELECHAT_SOURCE_DIR=${TELECHAT_SOURCE})
    run(${CMAKE_COMMAND} --build "${build}")
endif()

run("${build}/consumer")
foreach(example IN LISTS examples)
    get_filename_component(name "${example}" NAME_WE)
    run("${build}/${name}")
endforeach()
