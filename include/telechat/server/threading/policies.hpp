/// @file
/// @brief The three threading models TeleChat comes with: ThreadPerConnection
///        (`threads`), SingleReactor (`reactor`) and ReactorPerCore
///        (`reactors`). Each is a header of its own; a model of yours is one
///        more (see ThreadingModel and the lab in docs/server.md).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "reactor_per_core.hpp"
#include "single_reactor.hpp"
#include "thread_per_connection.hpp"
