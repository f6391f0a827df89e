/// @file
/// @brief Includes every portable public header: the containers, the 3MCP
///        protocol, the desk, the server template with the threading
///        policies and the in-memory backend, and the client session.
///
/// All of it is standard C++20 and includes no operating-system header, so
/// this header compiles wherever C++20 does, Windows and macOS included. The
/// POSIX socket backend and the TCP connect helper are left out: they need
/// the operating system's socket headers, and a program that only wants a
/// HashTable would then not build on Windows. Include them on their own
/// where POSIX is available:
/// `#include <telechat/server/backends/posix.hpp>` (PosixBackend) and
/// `#include <telechat/server/backends/tcp_connect.hpp>` (tcp_connect()).
/// The history log's file layer is left out for the same reason (it reaches
/// the system's file calls): `#include <telechat/history/file_storage.hpp>`
/// (FileStorage) where you want it.
///
/// The headers under `telechat/detail/` are internal: they come in through
/// the public headers that use them.
#pragma once

#include "detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "client/session.hpp"
#include "desk/agent_pool.hpp"
#include "desk/buffer_pool.hpp"
#include "desk/desk.hpp"
#include "desk/desk_commands.hpp"
#include "desk/desk_core.hpp"
#include "desk/desk_invariants.hpp"
#include "desk/history_store.hpp"
#include "desk/names.hpp"
#include "desk/options.hpp"
#include "desk/outbox.hpp"
#include "desk/record_ring.hpp"
#include "desk/session_slots.hpp"
#include "desk/waiting_line.hpp"
#include "growth.hpp"
#include "hash_table.hpp"
#include "hashing.hpp"
#include "hashing/bucket_array.hpp"
#include "hashing/concepts.hpp"
#include "hashing/control_bytes.hpp"
#include "hashing/group_probing.hpp"
#include "hashing/linear_probing.hpp"
#include "hashing/native_group_match.hpp"
#include "hashing/neon_group_match.hpp"
#include "hashing/open_addressing_limit.hpp"
#include "hashing/power_of_two.hpp"
#include "hashing/prime.hpp"
#include "hashing/probing_index.hpp"
#include "hashing/quadratic_probing.hpp"
#include "hashing/robin_hood.hpp"
#include "hashing/scalar_group_match.hpp"
#include "hashing/separate_chaining.hpp"
#include "hashing/sse2_group_match.hpp"
#include "history/any_storage.hpp"
#include "history/crc32c.hpp"
#include "history/log_format.hpp"
#include "history/log_reader.hpp"
#include "history/memory_storage.hpp"
#include "history/record.hpp"
#include "history/storage.hpp"
#include "invariant.hpp"
#include "protocol/command.hpp"
#include "protocol/command_writer.hpp"
#include "protocol/error_code.hpp"
#include "protocol/escaping.hpp"
#include "protocol/framer.hpp"
#include "protocol/server_lines.hpp"
#include "protocol/text.hpp"
#include "protocol/transcript.hpp"
#include "protocol/transcript_keys.hpp"
#include "protocol/transcript_session.hpp"
#include "protocol/vocabulary.hpp"
#include "protocol/writer.hpp"
#include "queue.hpp"
#include "server/backends/connect_options.hpp"
#include "server/backends/memory.hpp"
#include "server/backends/tracing.hpp"
#include "server/concepts.hpp"
#include "server/connection_log.hpp"
#include "server/connection_trace.hpp"
#include "server/event_loop.hpp"
#include "server/lingering_closes.hpp"
#include "server/loop_inbox.hpp"
#include "server/server.hpp"
#include "server/threading/desk_guard.hpp"
#include "server/threading/loop_host.hpp"
#include "server/threading/policies.hpp"
#include "server/threading/reactor_per_core.hpp"
#include "server/threading/single_reactor.hpp"
#include "server/threading/thread_per_connection.hpp"
#include "server/threading/threading_model.hpp"
#include "stack.hpp"

/// @namespace telechat
/// @brief Everything TeleChat offers: the containers (Queue, Stack,
///        HashTable) and the chat built on them.
///
/// The guide pages explain the containers' design: @ref queue_guide,
/// @ref stack_guide and @ref hash_table_guide; the protocol, the server and
/// the client have theirs: @ref protocol, @ref server_guide and
/// @ref client_guide. Names in the nested namespace `telechat::detail` are
/// internal and may change at any time.
