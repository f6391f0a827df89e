/// @file
/// @brief Writing 3MCP commands, as a client sends them: each function
///        appends one line, LF-terminated, with the words of vocabulary.hpp.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <string>
#include <string_view>

#include "command.hpp"
#include "vocabulary.hpp"

namespace telechat::protocol {

/// @brief The line ending a client sends (the server accepts CRLF too).
inline constexpr std::string_view lf = "\n";

/// @brief Appends a command: its word, then each argument after one space,
///        then LF.
///
/// The arguments are written as given, an empty one included (with its
/// space): checking them is the server's job, and a client that passes on
/// what its user typed should let the server say what is wrong. Free text
/// (a message, a token) goes last and is kept verbatim, spaces and all.
/// @param out the output buffer.
/// @param kind which command.
/// @param arguments the words after the command word; anything that
///        converts to `std::string_view`.
template <class... Arguments>
void write_command(std::string& out, CommandKind kind, const Arguments&... arguments) {
    out.append(command_word(kind));
    ((out.push_back(' '), out.append(std::string_view(arguments))), ...);
    out.append(lf);
}

/// @brief Appends `CONNECT CUSTOMER <name>` or `CONNECT AGENT <name> <key>`.
/// @param out the output buffer.
/// @param role the role asked for.
/// @param name the name to register.
/// @param key the agent key; ignored for a customer.
inline void write_connect(std::string& out, Role role, std::string_view name,
                          std::string_view key = {}) {
    if (role == Role::agent) {
        write_command(out, CommandKind::connect, word::agent, name, key);
        return;
    }
    write_command(out, CommandKind::connect, word::customer, name);
}

}  // namespace telechat::protocol
