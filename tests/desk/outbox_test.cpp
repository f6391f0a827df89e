// Unit tests of telechat::Outbox: the ready list, close requests, the output
// cap, and how closed connections are skipped.
#include <telechat/desk/outbox.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using telechat::BufferPool;
using telechat::CloseMode;
using telechat::ConnectionId;
using telechat::Outbox;

namespace {

void write(Outbox& outbox, BufferPool& buffers, std::uint32_t slot, const std::string& text) {
    outbox.begin_write(slot, buffers) += text;
    outbox.end_write(slot);
}

}  // namespace

TEST_CASE("outbox: a connection is listed ready once however many writes", "[outbox]") {
    Outbox outbox(1000);
    BufferPool buffers;
    outbox.open(ConnectionId{0, 0});
    outbox.open(ConnectionId{1, 4});
    write(outbox, buffers, 1, "+OK\r\n");
    write(outbox, buffers, 0, "QUEUED 1\r\n");
    write(outbox, buffers, 1, "MSG a b\r\n");
    outbox.check_invariants();
    CHECK(outbox.next_ready() == std::optional<ConnectionId>{ConnectionId{1, 4}});
    CHECK(outbox.next_ready() == std::optional<ConnectionId>{ConnectionId{0, 0}});
    CHECK_FALSE(outbox.next_ready().has_value());
    CHECK(outbox.pending(1) == "+OK\r\nMSG a b\r\n");
    write(outbox, buffers, 1, "x");
    CHECK(outbox.next_ready() == std::optional<ConnectionId>{ConnectionId{1, 4}});
    outbox.check_invariants();
}

TEST_CASE("outbox: consuming output returns the emptied buffer to the pool", "[outbox]") {
    Outbox outbox(1000);
    BufferPool buffers;
    outbox.open(ConnectionId{0, 0});
    write(outbox, buffers, 0, std::string(200, 'a'));
    outbox.consume(0, 150, buffers);
    CHECK(outbox.pending(0) == std::string(50, 'a'));
    CHECK(buffers.size() == 0);
    outbox.consume(0, 1000, buffers);
    CHECK(outbox.pending(0).empty());
    CHECK(buffers.size() == 1);
    write(outbox, buffers, 0, "again");  // borrows the kept block
    CHECK(buffers.size() == 0);
    outbox.check_invariants();
}

TEST_CASE("outbox: close requests never weaken, and list the connection", "[outbox]") {
    Outbox outbox(1000);
    BufferPool buffers;
    outbox.open(ConnectionId{0, 0});
    CHECK(outbox.close_mode(0) == CloseMode::keep_open);
    CHECK(outbox.close_reason(0).empty());
    outbox.request_close(0, CloseMode::after_output, "quit");
    outbox.request_close(0, CloseMode::after_output, "later");
    CHECK(outbox.close_reason(0) == "quit");
    outbox.request_close(0, CloseMode::immediately, "output cap exceeded");
    CHECK(outbox.close_mode(0) == CloseMode::immediately);
    CHECK(outbox.close_reason(0) == "output cap exceeded");
    CHECK(outbox.next_ready().has_value());
    outbox.check_invariants();
}

TEST_CASE("outbox: the cap counts what was waiting before a write, once per connection",
          "[outbox]") {
    Outbox outbox(10);
    BufferPool buffers;
    outbox.open(ConnectionId{0, 0});
    write(outbox, buffers, 0, std::string(500, 'r'));  // one large reply: fine
    CHECK_FALSE(outbox.any_over_cap());
    write(outbox, buffers, 0, "more");  // 500 bytes were left unread
    write(outbox, buffers, 0, "and more");
    CHECK(outbox.any_over_cap());
    outbox.check_invariants();
    CHECK(outbox.next_over_cap() == std::optional<std::uint32_t>{0});
    CHECK_FALSE(outbox.next_over_cap().has_value());
    outbox.drop_output(0, buffers);
    CHECK(outbox.pending(0).empty());
    outbox.check_invariants();
}

TEST_CASE("outbox: a closed connection is skipped, even when its slot is reused", "[outbox]") {
    Outbox outbox(10);
    BufferPool buffers;
    outbox.open(ConnectionId{0, 0});
    write(outbox, buffers, 0, std::string(50, 'r'));
    write(outbox, buffers, 0, "over");
    outbox.close(0, buffers);
    outbox.check_invariants();
    outbox.open(ConnectionId{0, 1});
    outbox.check_invariants();
    CHECK_FALSE(outbox.next_ready().has_value());
    CHECK_FALSE(outbox.next_over_cap().has_value());
    CHECK(outbox.pending(0).empty());
    CHECK(outbox.close_mode(0) == CloseMode::keep_open);
    outbox.check_invariants();
}
