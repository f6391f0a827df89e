// Unit tests of telechat::AgentPool: who gets the next customer (least busy,
// then longest since the last assignment), seats, and agents leaving.
#include <telechat/desk/agent_pool.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

using telechat::AgentPool;

namespace {

std::vector<std::uint32_t> customers(const AgentPool& pool, std::uint32_t agent) {
    const auto span = pool.customers_of(agent);
    return {span.begin(), span.end()};
}

}  // namespace

TEST_CASE("agents: no agent, no seat", "[agents]") {
    const AgentPool pool(3);
    CHECK(pool.least_busy() == AgentPool::no_agent);
    CHECK(pool.free_seats() == 0);
    CHECK(pool.size() == 0);
    CHECK_FALSE(pool.contains(0));
    pool.check_invariants();
}

TEST_CASE("agents: the least busy gets the next customer, ties to the longest idle", "[agents]") {
    AgentPool pool(2);
    pool.add(4);
    pool.add(1);
    CHECK(pool.free_seats() == 4);
    CHECK(pool.least_busy() == 4);  // registered first: idle longest
    pool.assign(10, 4);
    CHECK(pool.least_busy() == 1);  // fewer customers
    pool.assign(11, 1);
    CHECK(pool.least_busy() == 4);  // equal load: 4's last assignment is older
    pool.assign(12, 4);
    CHECK(pool.least_busy() == 1);
    pool.assign(13, 1);
    CHECK(pool.least_busy() == AgentPool::no_agent);
    CHECK(pool.free_seats() == 0);
    CHECK(customers(pool, 4) == std::vector<std::uint32_t>{10, 12});
    CHECK(pool.load(1) == 2);
    CHECK(pool.capacity() == 2);
    pool.check_invariants();
}

TEST_CASE("agents: a finished conversation frees a seat", "[agents]") {
    AgentPool pool(1);
    pool.add(0);
    pool.assign(5, 0);
    pool.unassign(5, 0);
    pool.unassign(5, 0);  // twice: the second changes nothing
    CHECK(pool.free_seats() == 1);
    CHECK(pool.load(0) == 0);
    CHECK(pool.least_busy() == 0);
    pool.check_invariants();
}

TEST_CASE("agents: an agent who leaves hands back its customers in order", "[agents]") {
    AgentPool pool(3);
    pool.add(2);
    pool.add(6);
    pool.assign(8, 2);
    pool.assign(9, 6);
    pool.assign(7, 2);
    std::vector<std::uint32_t> returned;
    pool.remove(2, [&](std::uint32_t customer) { returned.push_back(customer); });
    CHECK(returned == std::vector<std::uint32_t>{8, 7});
    CHECK_FALSE(pool.contains(2));
    CHECK(pool.size() == 1);
    CHECK(pool.free_seats() == 2);
    CHECK(pool.least_busy() == 6);
    pool.check_invariants();
    pool.add(2);  // the slot comes back as a new agent with no customers
    CHECK(pool.load(2) == 0);
    CHECK(pool.least_busy() == 2);  // no customer beats one
    pool.check_invariants();
}
