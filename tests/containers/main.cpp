// Catch2's main(), compiled once for the whole container test executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
