-- 3mcp.lua: a Wireshark dissector for 3MCP, TeleChat's support-chat protocol.
--
-- The protocol is specified in docs/protocol.md; this file follows it line by
-- line, and the section names below point there. Install: see the
-- conformance page (docs/conformance.md, "The Wireshark dissector"), or run
--     tshark -X lua_script:apps/wireshark/3mcp.lua -r capture.pcapng
--
-- What it shows. 3MCP is lines of text over TCP, so every line becomes one
-- item of the packet's 3MCP tree:
--   client -> server: a command (CONNECT, MSG, LIST, HIST, END, QUIT, PING,
--                     HELP), a blank line (ignored by the server), or a
--                     malformed line;
--   server -> client: a reply (+OK ..., -ERR CODE reason), a push (MSG,
--                     QUEUED, ASSIGNED, LEFT, QUIT), a body line of a LIST,
--                     HIST or HELP reply, the "." that ends such a body, or
--                     a malformed line.
-- Each item carries the line's fields (3mcp.command, 3mcp.name, ...: the
-- table is on the conformance page), and the Info column sums the packet's
-- lines up as "C: CONNECT CUSTOMER bob" or "S: +OK welcome bob | S: QUEUED 1".
--
-- The agent key of CONNECT AGENT is deliberately not a field: a filter must
-- not find or print it, and the Info column and the tree say
-- "<agent key hidden>". (The bytes pane still shows it: 3MCP is plain text.)
--
-- Which side is the server? The side whose TCP port is the one this
-- dissector was chosen for: 3333, the port in the preferences, or the port
-- of a "Decode As" rule (Wireshark hands it over as pinfo.match_uint).

local SERVER_PORT = 3333   -- the spec's default port (Overview)
local MAX_LINE_BYTES = 1024 -- a client line, its ending included (Framing)

local proto = Proto("3mcp", "3MCP, TeleChat's support-chat protocol")

------------------------------------------------------------------------------
-- Fields: what display filters and tshark -e can name.
------------------------------------------------------------------------------

local F = {
    kind = ProtoField.string("3mcp.kind", "Line kind"),
    command = ProtoField.string("3mcp.command", "Command"),
    role = ProtoField.string("3mcp.role", "Role"),
    name = ProtoField.string("3mcp.name", "Name"),
    count = ProtoField.uint32("3mcp.count", "Count", base.DEC),
    text = ProtoField.string("3mcp.text", "Text"),
    token = ProtoField.string("3mcp.token", "Token"),
    reply = ProtoField.string("3mcp.reply", "Reply"),
    ok_text = ProtoField.string("3mcp.ok_text", "Reply text"),
    users = ProtoField.uint32("3mcp.users", "Users listed", base.DEC),
    messages = ProtoField.uint32("3mcp.messages", "Messages listed", base.DEC),
    commands = ProtoField.uint32("3mcp.commands", "Commands listed", base.DEC),
    error_code = ProtoField.string("3mcp.error_code", "Error code"),
    reason = ProtoField.string("3mcp.reason", "Reason"),
    push = ProtoField.string("3mcp.push", "Push"),
    from = ProtoField.string("3mcp.from", "From"),
    to = ProtoField.string("3mcp.to", "To"),
    position = ProtoField.uint32("3mcp.position", "Position in the waiting line", base.DEC),
    state = ProtoField.string("3mcp.state", "Customer state"),
    agent = ProtoField.string("3mcp.agent", "Agent"),
    active = ProtoField.uint32("3mcp.active", "Active conversations", base.DEC),
    capacity = ProtoField.uint32("3mcp.capacity", "Capacity", base.DEC),
    time = ProtoField.absolute_time("3mcp.time", "Time", base.UTC),
    help = ProtoField.string("3mcp.help", "Help line"),
}
proto.fields = {}
for _, field in pairs(F) do
    table.insert(proto.fields, field)
end

-- Expert info: how Wireshark marks lines in colour and lists them under
-- Analyze > Expert Information.
local E = {
    error_reply = ProtoExpert.new("3mcp.error_reply", "3MCP error reply",
                                  expert.group.RESPONSE_CODE, expert.severity.WARN),
    malformed = ProtoExpert.new("3mcp.malformed", "Malformed 3MCP line",
                                expert.group.MALFORMED, expert.severity.ERROR),
    bad_args = ProtoExpert.new("3mcp.bad_args", "3MCP command the server will refuse",
                               expert.group.PROTOCOL, expert.severity.WARN),
    note = ProtoExpert.new("3mcp.note", "3MCP note",
                           expert.group.COMMENTS_GROUP, expert.severity.NOTE),
}
proto.experts = { E.error_reply, E.malformed, E.bad_args, E.note }

------------------------------------------------------------------------------
-- The vocabulary (docs/protocol.md, Grammar; the C++ spelling of it is
-- include/telechat/protocol/). tests/wireshark/check_dissector.sh checks
-- that ERROR_CODES lists exactly the codes of error_code.hpp.
------------------------------------------------------------------------------

local COMMANDS = { CONNECT = true, MSG = true, LIST = true, HIST = true,
                   END = true, QUIT = true, PING = true, HELP = true }
local ERROR_CODES = { BAD_COMMAND = true, BAD_ARGS = true, NOT_CONNECTED = true,
                      ALREADY_CONNECTED = true, BAD_NAME = true, NAME_TAKEN = true,
                      AUTH_FAILED = true, FORBIDDEN = true, NO_SUCH_USER = true,
                      NOT_ASSIGNED = true, TOO_LONG = true, BAD_TEXT = true,
                      SERVER_FULL = true }
-- The header word of each multi-line reply, and the command it answers.
local BODY_OF = { users = "LIST", messages = "HIST", commands = "HELP" }
local HIDDEN_KEY = "<agent key hidden>"

------------------------------------------------------------------------------
-- Text rules (Framing): strict UTF-8 without controls but TAB.
------------------------------------------------------------------------------

local function is_tail(byte)
    return byte ~= nil and byte >= 0x80 and byte <= 0xBF
end

local function is_within(byte, low, high)
    return byte ~= nil and byte >= low and byte <= high
end

-- The length of the accepted character that starts at s[i], or nil if the
-- bytes there are not one (the ABNF's tchar: UTF8-2/3/4 exclude the C1
-- controls, overlong forms, surrogates and code points past U+10FFFF).
local function accepted_char_length(s, i)
    local b1, b2, b3, b4 = s:byte(i, i + 3)
    if b1 == 0x09 or (b1 >= 0x20 and b1 < 0x7F) then return 1 end
    if b1 < 0x80 then return nil end -- C0 controls and DEL
    if b1 == 0xC2 then return is_within(b2, 0xA0, 0xBF) and 2 or nil end
    if b1 >= 0xC3 and b1 <= 0xDF then return is_tail(b2) and 2 or nil end
    local second_ok
    if b1 == 0xE0 then second_ok = is_within(b2, 0xA0, 0xBF)
    elseif b1 == 0xED then second_ok = is_within(b2, 0x80, 0x9F)
    elseif b1 >= 0xE1 and b1 <= 0xEF then second_ok = is_tail(b2)
    end
    if second_ok ~= nil then return (second_ok and is_tail(b3)) and 3 or nil end
    if b1 == 0xF0 then second_ok = is_within(b2, 0x90, 0xBF)
    elseif b1 == 0xF4 then second_ok = is_within(b2, 0x80, 0x8F)
    elseif b1 >= 0xF1 and b1 <= 0xF3 then second_ok = is_tail(b2)
    else return nil
    end
    return (second_ok and is_tail(b3) and is_tail(b4)) and 4 or nil
end

local function is_accepted_text(s)
    local i = 1
    while i <= #s do
        local length = accepted_char_length(s, i)
        if not length then return false end
        i = i + length
    end
    return true
end

-- The bytes as one line of readable text, with the rules of TeleChat's
-- telechat::protocol::escaped() (include/telechat/protocol/escaping.hpp), so
-- the Info column reads like the project's transcripts: \\ \t \r \n, \xHH
-- for any other byte that is not accepted text, \x20 for a space at the end.
local function escaped(s)
    local out, i = {}, 1
    while i <= #s do
        local byte = s:byte(i)
        local length = accepted_char_length(s, i)
        if byte == 0x5C then out[#out + 1] = "\\\\"
        elseif byte == 0x09 then out[#out + 1] = "\\t"
        elseif byte == 0x0D then out[#out + 1] = "\\r"
        elseif byte == 0x0A then out[#out + 1] = "\\n"
        elseif length and not (byte == 0x20 and i == #s) then
            out[#out + 1] = s:sub(i, i + length - 1)
            i = i + length - 1
        else out[#out + 1] = string.format("\\x%02X", byte)
        end
        i = i + 1
    end
    return table.concat(out)
end

------------------------------------------------------------------------------
-- Small parsers. Positions are 1-based and inclusive, into the line's text.
------------------------------------------------------------------------------

-- The space-separated words of s from position `from` (Syntax: a run of
-- spaces is one separator; TAB belongs to a word).
local function words_from(s, from)
    local list = {}
    local first, last = s:find("[^ ]+", from)
    while first do
        list[#list + 1] = { first = first, last = last, text = s:sub(first, last) }
        first, last = s:find("[^ ]+", last + 1)
    end
    return list
end

local function is_name(s) -- Syntax: [A-Za-z0-9][A-Za-z0-9_.-]{0,31}
    return #s <= 32 and s:find("^[A-Za-z0-9][A-Za-z0-9_.%-]*$") ~= nil
end

local function is_number(s) -- Grammar: number = "0" / %x31-39 *DIGIT
    return s == "0" or s:find("^[1-9]%d*$") ~= nil
end

local function is_position(s) -- Grammar: position = %x31-39 *DIGIT
    return s:find("^[1-9]%d*$") ~= nil
end

-- One piece of a parsed line, to become one tree item. Without a field it is
-- a text-only item (nothing a filter can find).
local function part(field, first, last, value, label)
    return { field = field, first = first, last = last, value = value, label = label }
end

-- A field holding a decimal number, or a text item if it does not fit.
local function number_part(field, first, last, digits)
    local significant = digits:match("^0*(%d-)$") -- HIST's count may have leading zeros
    if #significant <= 9 then return part(field, first, last, tonumber(digits)) end
    return part(nil, first, last, nil, "Number too large to show as a field: " .. digits)
end

------------------------------------------------------------------------------
-- Client lines (Syntax, Grammar "What a client sends", Commands).
-- Each parser returns { kind, parts, problem = nil | { expert, text } }.
------------------------------------------------------------------------------

local function refused(result, text)
    result.problem = { expert = E.bad_args, text = text }
    return result
end

local parse_command = {}

function parse_command.CONNECT(line, args, result)
    local role, name = args[1], args[2]
    if not role then return refused(result, "no role: BAD_ARGS") end
    local role_word = role.text:upper()
    table.insert(result.parts, part(F.role, role.first, role.last, role_word))
    if role_word ~= "CUSTOMER" and role_word ~= "AGENT" then
        return refused(result, "the role must be CUSTOMER or AGENT: BAD_ARGS")
    end
    result.role = role_word
    if not name then return refused(result, "no name: BAD_ARGS") end
    table.insert(result.parts, part(F.name, name.first, name.last))
    local words_taken = 2
    if role_word == "AGENT" then
        local key = args[3]
        if not key then return refused(result, "no agent key: BAD_ARGS") end
        table.insert(result.parts, part(nil, key.first, key.last, nil,
                                        "Agent key: " .. HIDDEN_KEY .. " (" .. #key.text .. " bytes)"))
        result.hidden = key
        words_taken = 3
    end
    if #args > words_taken then return refused(result, "too many arguments: BAD_ARGS") end
    if not is_name(name.text) then return refused(result, "not a valid name: BAD_NAME") end
    return result
end

function parse_command.MSG(line, args, result, command, role)
    local text_first = command.last + 2 -- a customer's text follows MSG and one space
    if role == "AGENT" then
        local target = args[1]
        if not target then return refused(result, "no customer name: BAD_ARGS") end
        table.insert(result.parts, part(F.name, target.first, target.last))
        text_first = target.last + 2
    elseif role == nil then
        result.note = "the sender's role is unknown (no successful CONNECT seen): read as a customer's MSG"
    end
    if text_first > #line then return refused(result, "no text: BAD_ARGS") end
    table.insert(result.parts, part(F.text, text_first, #line))
    return result
end

function parse_command.LIST(line, args, result)
    if #args > 0 then return refused(result, "LIST takes no arguments: BAD_ARGS") end
    return result
end

function parse_command.HIST(line, args, result)
    local target, count = args[1], args[2]
    if not target then return refused(result, "no name: BAD_ARGS") end
    table.insert(result.parts, part(F.name, target.first, target.last))
    if #args > 2 then return refused(result, "too many arguments: BAD_ARGS") end
    if count then
        if not count.text:find("^%d+$") or not count.text:find("[1-9]") then
            return refused(result, "the count must be a positive integer: BAD_ARGS")
        end
        table.insert(result.parts, number_part(F.count, count.first, count.last, count.text))
    end
    return result
end

function parse_command.END(line, args, result)
    local target = args[1]
    if not target then return refused(result, "no name: BAD_ARGS") end
    table.insert(result.parts, part(F.name, target.first, target.last))
    if #args > 1 then return refused(result, "too many arguments: BAD_ARGS") end
    return result
end

-- QUIT and HELP ignore what follows them.
local function ignored_rest(line, command, result)
    if command.last + 2 <= #line then
        table.insert(result.parts, part(nil, command.last + 2, #line, nil,
                                        "Ignored by the server: " .. escaped(line:sub(command.last + 2))))
    end
    return result
end

function parse_command.QUIT(line, args, result, command) return ignored_rest(line, command, result) end
function parse_command.HELP(line, args, result, command) return ignored_rest(line, command, result) end

function parse_command.PING(line, args, result, command)
    local token_first = line:find("[^ ]", command.last + 1) -- trailing spaces belong to it
    if token_first then table.insert(result.parts, part(F.token, token_first, #line)) end
    return result
end

-- A client line without its ending; `length` counts the ending too; `role`
-- is the sender's, if known.
local function parse_client_line(line, length, role)
    if length > MAX_LINE_BYTES then
        return { kind = "malformed", parts = {}, problem = { expert = E.malformed,
                 text = "longer than " .. MAX_LINE_BYTES .. " bytes with its ending: TOO_LONG" } }
    end
    if line:find("^ *$") then return { kind = "blank", parts = {} } end
    if not is_accepted_text(line) then
        return { kind = "malformed", parts = {}, problem = { expert = E.malformed,
                 text = "not UTF-8 text without control characters: BAD_TEXT" } }
    end
    local args = words_from(line, 1)
    local command = table.remove(args, 1) -- the line is not blank: it has a first word
    local word = command.text:upper()     -- command words are case-insensitive (Syntax)
    if not COMMANDS[word] then
        return { kind = "malformed", parts = {}, problem = { expert = E.malformed,
                 text = "unknown command: BAD_COMMAND" } }
    end
    local result = { kind = "command", parts = { part(F.command, command.first, command.last, word) } }
    return parse_command[word](line, args, result, command, role)
end

------------------------------------------------------------------------------
-- Server lines (Grammar "What the server sends", Replies and pushes).
------------------------------------------------------------------------------

local function malformed(text)
    return { kind = "malformed", parts = {}, problem = { expert = E.malformed, text = text } }
end

-- The words of a line that must be single-space separated, or nil.
local function exact_words(line)
    local list = words_from(line, 1)
    local texts = {}
    for i, w in ipairs(list) do texts[i] = w.text end
    if table.concat(texts, " ") ~= line then return nil end
    return list
end

local function parse_ok_reply(line)
    local parts = { part(F.reply, 1, 3, "+OK") }
    local result = { kind = "reply", parts = parts }
    if line == "+OK" then return result end
    if line:sub(4, 4) ~= " " then return nil end
    table.insert(parts, part(F.ok_text, 5, #line))
    local rest = line:sub(5)
    if rest == "message received" or rest == "bye" then return result end
    local name_first = line:match("^%+OK welcome ()")
    if name_first then
        if not is_name(line:sub(name_first)) then return nil end
        table.insert(parts, part(F.name, name_first, #line))
        result.welcome = true
        return result
    end
    if rest == "PONG" then return result end
    if line:find("^%+OK PONG ") then
        if line:find("^%+OK PONG  ") or #line == 9 then return nil end -- token = nonspace *tchar
        table.insert(parts, part(F.token, 10, #line))
        return result
    end
    local digits, word = rest:match("^(%d+) (%a+)$")
    if not digits or not BODY_OF[word] or not is_number(digits) then return nil end
    if word == "commands" and digits ~= "8" then return nil end
    table.insert(parts, number_part(F[word], 5, 4 + #digits, digits))
    result.body = { kind = word, expected = tonumber(digits), seen = 0 }
    return result
end

local function parse_error_reply(line)
    local code, reason_first = line:match("^%-ERR ([A-Z_]+) ()")
    if not code or not ERROR_CODES[code] then return nil end
    if reason_first > #line or line:sub(reason_first, reason_first) == " " then return nil end
    return { kind = "error", code = code, parts = {
        part(F.reply, 1, 4, "-ERR"),
        part(F.error_code, 6, 5 + #code),
        part(F.reason, reason_first, #line) } }
end

local function parse_push(line)
    local word = line:match("^[A-Z]+")
    if not word or line:sub(#word + 1, #word + 1) ~= " " then return nil end
    local result = { kind = "push", parts = { part(F.push, 1, #word) } }
    local arg_first = #word + 2
    local arg = line:sub(arg_first)
    if word == "MSG" then -- MSG <from> <text>: the text follows one space, kept exactly
        local after_from = line:match("^MSG [^ ]+()")
        if not after_from or not is_name(line:sub(5, after_from - 1)) or after_from + 1 > #line then
            return nil
        end
        table.insert(result.parts, part(F.from, 5, after_from - 1))
        table.insert(result.parts, part(F.text, after_from + 1, #line))
    elseif word == "QUEUED" and is_position(arg) then
        table.insert(result.parts, number_part(F.position, arg_first, #line, arg))
    elseif (word == "ASSIGNED" or word == "LEFT") and is_name(arg) then
        table.insert(result.parts, part(F.name, arg_first, #line))
    elseif word == "QUIT" and #arg > 0 and arg:sub(1, 1) ~= " " then
        table.insert(result.parts, part(F.reason, arg_first, #line))
    else
        return nil
    end
    return result
end

-- Body lines: LIST's user lines, HIST's records, HELP's lines.
local parse_body_line = {}

function parse_body_line.users(line)
    local w = exact_words(line)
    if not w or not w[1] or not is_name(w[1].text) or not w[2] then return nil end
    local parts = { part(F.name, w[1].first, w[1].last), part(F.role, w[2].first, w[2].last) }
    if w[2].text == "AGENT" and #w == 3 then
        local active, capacity = w[3].text:match("^(%d+)/(%d+)$")
        if not active or not is_number(active) or not is_number(capacity) then return nil end
        table.insert(parts, number_part(F.active, w[3].first, w[3].first + #active - 1, active))
        table.insert(parts, number_part(F.capacity, w[3].last - #capacity + 1, w[3].last, capacity))
    elseif w[2].text == "CUSTOMER" and #w == 4 and w[3].text == "WAITING" and is_position(w[4].text) then
        table.insert(parts, part(F.state, w[3].first, w[3].last))
        table.insert(parts, number_part(F.position, w[4].first, w[4].last, w[4].text))
    elseif w[2].text == "CUSTOMER" and #w == 4 and w[3].text == "CHATTING" and is_name(w[4].text) then
        table.insert(parts, part(F.state, w[3].first, w[3].last))
        table.insert(parts, part(F.agent, w[4].first, w[4].last))
    else
        return nil
    end
    return parts
end

function parse_body_line.messages(line)
    local ms, from_last, to_last = line:match("^(%d+) [^ ]+() [^ ]+() .")
    if not ms then return nil end
    local from, to = line:sub(#ms + 2, from_last - 1), line:sub(from_last + 1, to_last - 1)
    if not is_name(from) or not (is_name(to) or to == "*") then return nil end
    local time = part(nil, 1, #ms, nil, "Time: " .. ms .. " (unix-ms, too large)")
    if #ms <= 15 then -- exact in a Lua number
        local millis = tonumber(ms)
        time = part(F.time, 1, #ms, NSTime.new(math.floor(millis / 1000), (millis % 1000) * 1000000))
    end
    return { time, part(F.from, #ms + 2, from_last - 1), part(F.to, from_last + 1, to_last - 1),
             part(F.text, to_last + 1, #line) }
end

function parse_body_line.commands(line)
    if not line:find("^%a") then return nil end
    return { part(F.help, 1, #line) }
end

-- A server line without its CRLF, given the state of its direction.
local function parse_server_line(line, state)
    if not is_accepted_text(line) then return malformed("not UTF-8 text without control characters") end
    local body = state.body
    if body then
        local command = BODY_OF[body.kind]
        if line == "." then
            local result = { kind = "end of body", parts = {}, ends_body = true,
                             label = "End of the " .. command .. " body" }
            if body.seen ~= body.expected then
                result.problem = { expert = E.malformed, text = "the header announced " ..
                                   body.expected .. " lines, the body has " .. body.seen }
            end
            return result
        end
        body.seen = body.seen + 1
        local parts = not line:find("^%.") and parse_body_line[body.kind](line)
        if not parts then return malformed("not a line of a " .. command .. " reply's body") end
        return { kind = "body", parts = parts,
                 label = command .. " body line " .. body.seen .. " of " .. body.expected }
    end
    local first = line:sub(1, 1)
    local result
    if first == "+" then result = parse_ok_reply(line)
    elseif first == "-" then result = parse_error_reply(line)
    else result = parse_push(line)
    end
    return result or malformed("matches nothing the server sends")
end

------------------------------------------------------------------------------
-- State. Where a server line stands (inside a LIST/HIST/HELP body or not)
-- and how a client's MSG reads (customer or agent) depend on earlier lines
-- of the same TCP connection. Wireshark dissects every packet once in order,
-- then again whenever it likes (a click, a filter), so the state each call
-- started from is remembered on that first pass, by frame number.
------------------------------------------------------------------------------

local connections = {} -- tcp.stream -> { role, connecting_role, body }
local remembered = {}  -- "frame:length" -> the connection's state when that call began
local tcp_stream = Field.new("tcp.stream")

function proto.init()
    connections, remembered = {}, {}
end

local function copy_state(s)
    local body = s.body and { kind = s.body.kind, expected = s.body.expected, seen = s.body.seen }
    return { role = s.role, connecting_role = s.connecting_role, body = body }
end

-- The state this call starts from: live on the first pass (its changes carry
-- on to later packets), a throw-away copy of the remembered one after that.
local function state_for(pinfo, tvb)
    local stream = tcp_stream()
    local key = stream and tostring(stream.value) or (tostring(pinfo.src) .. tostring(pinfo.dst))
    local call = pinfo.number .. ":" .. tvb:len()
    if pinfo.visited or remembered[call] then
        return copy_state(remembered[call] or {})
    end
    connections[key] = connections[key] or {}
    remembered[call] = copy_state(connections[key])
    return connections[key]
end

------------------------------------------------------------------------------
-- The tree, the Info column, the expert marks.
------------------------------------------------------------------------------

local LABEL_OF_KIND = { command = "Command", blank = "Blank line (ignored)", reply = "Reply",
                        error = "Error reply", push = "Push", malformed = "Malformed line" }

-- The line as the Info column and the tree show it: escaped, the key hidden,
-- and cut after about 100 bytes (a character is never cut in two).
local SHOWN_BYTES = 100
local function shown(line, result)
    if #line > SHOWN_BYTES then
        local cut = 1
        while cut <= SHOWN_BYTES do cut = cut + (accepted_char_length(line, cut) or 1) end
        return shown(line:sub(1, cut - 1), result) .. "... (" .. #line .. " bytes)"
    end
    if result.hidden then
        -- (the "#" keeps escaped() from writing the space before the key as \x20)
        local before = escaped(line:sub(1, result.hidden.first - 1) .. "#"):sub(1, -2)
        return before .. HIDDEN_KEY .. escaped(line:sub(result.hidden.last + 1))
    end
    return escaped(line)
end

-- One tree item for one line: `range` covers it with its ending, the line's
-- text starts at tvb offset `start`.
local function add_line_item(tree, tvb, range, start, line, result)
    local text = shown(line, result)
    local label = result.label or LABEL_OF_KIND[result.kind]
    local item = tree:add(range, result.kind == "blank" and label or (label .. ": " .. text))
    item:add(F.kind, range, result.kind):set_generated()
    for _, p in ipairs(result.parts) do
        local piece = tvb(start + p.first - 1, p.last - p.first + 1)
        if not p.field then item:add(piece, p.label)
        elseif p.value ~= nil then item:add(p.field, piece, p.value)
        else item:add_packet_field(p.field, piece, ENC_UTF_8)
        end
    end
    if result.problem then item:add_proto_expert_info(result.problem.expert, result.problem.text) end
    if result.kind == "error" then item:add_proto_expert_info(E.error_reply, "error " .. result.code) end
    if result.note then item:add_proto_expert_info(E.note, result.note) end
    return text
end

-- The port the server listens on, for this packet (see the top of the file).
local registered_port = SERVER_PORT
local function server_port(pinfo)
    if pinfo.match_uint and pinfo.match_uint ~= 0 then return pinfo.match_uint end
    return registered_port
end

-- Updates the connection's state after one line.
local function remember(state, result, from_server)
    if not from_server then
        if result.role then state.connecting_role = result.role end
    elseif result.welcome then
        state.role = state.connecting_role -- only a CONNECT is answered "+OK welcome"
    elseif result.body then
        state.body = result.body
    elseif result.ends_body then
        state.body = nil
    end
end

function proto.dissector(tvb, pinfo, tree)
    local from_server = pinfo.src_port == server_port(pinfo)
    local bytes = tvb:raw()
    local state = state_for(pinfo, tvb)
    local root, summaries, offset = nil, {}, 0
    while offset < #bytes do
        local lf = bytes:find("\n", offset + 1, true)
        if not lf then -- a line split across segments: ask TCP for the rest
            pinfo.desegment_offset = offset
            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
            break
        end
        local line = bytes:sub(offset + 1, lf - 1)
        local lf_only = line:sub(-1) ~= "\r"
        if not lf_only then line = line:sub(1, -2) end -- Framing: only a CR just before the LF
        local result
        if from_server then
            result = parse_server_line(line, state)
            if lf_only and not result.problem then
                result.problem = { expert = E.malformed, text = "the server ends its lines with CRLF" }
            end
        else
            result = parse_client_line(line, lf - offset, state.role)
        end
        remember(state, result, from_server)
        if not root then
            root = tree:add(proto, tvb(offset))
            root:add(tvb(offset, 0), from_server and "Direction: server to client" or
                     "Direction: client to server"):set_generated()
        end
        local text = add_line_item(root, tvb, tvb(offset, lf - offset), offset, line, result)
        summaries[#summaries + 1] = (from_server and "S: " or "C: ") ..
            (result.kind == "blank" and "(blank line)" or text)
        offset = lf
    end
    if #summaries > 0 then
        pinfo.cols.protocol = "3MCP"
        pinfo.cols.info = table.concat(summaries, " | ")
    end
    return #bytes
end

------------------------------------------------------------------------------
-- Registration: TCP port 3333, a preference to change it, and Decode As
-- (adding to "tcp.port" lists 3MCP in the Decode As dialog, and lets
-- tshark's -d tcp.port==N,3mcp pick it).
------------------------------------------------------------------------------

proto.prefs.port = Pref.uint("Server TCP port", SERVER_PORT,
                             "The TCP port of the 3MCP server (docs/protocol.md: 3333 by default)")

local tcp_ports = DissectorTable.get("tcp.port")
tcp_ports:add(registered_port, proto)

function proto.prefs_changed()
    if proto.prefs.port ~= registered_port then
        tcp_ports:remove(registered_port, proto)
        registered_port = proto.prefs.port
        tcp_ports:add(registered_port, proto)
    end
end
