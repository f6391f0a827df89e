// Catch2's main(), compiled once for the Windows build (tests/windows.cmake):
// there, Catch2 is the bare single header, without the prebuilt
// Catch2WithMain library of the Linux package.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
