/// @file
/// @brief Includes every public TeleChat header.
#pragma once

#include "desk/desk.hpp"
#include "desk/names.hpp"
#include "desk/options.hpp"
#include "hash_table.hpp"
#include "invariant.hpp"
#include "protocol/command.hpp"
#include "protocol/error_code.hpp"
#include "protocol/framer.hpp"
#include "protocol/text.hpp"
#include "protocol/writer.hpp"
#include "queue.hpp"
#include "server/backends/memory.hpp"
#include "server/backends/posix.hpp"
#include "server/concepts.hpp"
#include "server/server.hpp"
#include "server/threading/policies.hpp"
#include "stack.hpp"

/// @namespace telechat
/// @brief Everything TeleChat offers: the containers (Queue, Stack,
///        HashTable) and the chat built on them.
///
/// The guide pages explain the containers' design: @ref queue_guide,
/// @ref stack_guide and @ref hash_table_guide; the protocol and the server
/// have theirs: @ref protocol and @ref server_guide. Names in the nested namespace
/// `telechat::detail` are internal and may change at any time.
