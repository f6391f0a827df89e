// A least-recently-used (LRU) cache: telechat::HashTable plus a std::list.
//
// The cache holds at most `capacity` entries; when it is full, adding one
// evicts the entry that was used longest ago. Two structures share the work:
//  - a std::list keeps the entries in order of use, most recent first; moving
//    an entry to the front (splice) or dropping the last one is O(1);
//  - a telechat::HashTable maps each key to its entry's position in the list,
//    so finding an entry is expected O(1) instead of a walk along the list.
//
// Why the table stores list iterators, and not the other way round: a
// std::list iterator stays valid until its element is erased, whatever happens
// to the others. A HashTable iterator does not: an erase moves the table's last
// element into the hole, and an insert that grows the table moves them all
// (see the iterator rules of telechat::HashTable).
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -I include docs/examples/lru_cache.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/hash_table.hpp>

#include <cstddef>
#include <cstdio>
#include <list>
#include <optional>
#include <string>
#include <utility>

namespace {

//! [lru]
template <class K, class V>
class LruCache {
public:
    explicit LruCache(std::size_t capacity) : m_capacity(capacity) {
        m_where.reserve(capacity);
    }

    // The value of `key`, which becomes the most recently used; nothing if
    // absent.
    std::optional<V> get(const K& key) {
        const auto found = m_where.find(key);
        if (found == m_where.end()) {
            return std::nullopt;
        }
        // Move the entry to the front.
        m_order.splice(m_order.begin(), m_order, found->second);
        return found->second->second;
    }

    // Stores `value` under `key` as the most recently used entry, evicting the
    // least recently used one if the cache is full.
    void put(const K& key, V value) {
        if (const auto found = m_where.find(key); found != m_where.end()) {
            found->second->second = std::move(value);
            m_order.splice(m_order.begin(), m_order, found->second);
            return;
        }
        if (m_order.size() == m_capacity) {
            m_where.erase(m_order.back().first);  // the least recently used
            m_order.pop_back();
        }
        m_order.emplace_front(key, std::move(value));
        m_where.try_emplace(key, m_order.begin());
    }

    [[nodiscard]] std::size_t size() const { return m_order.size(); }

private:
    using Entry = std::pair<K, V>;
    std::size_t m_capacity;
    std::list<Entry> m_order;  // most recently used first
    telechat::HashTable<K, typename std::list<Entry>::iterator> m_where;
};
//! [lru]

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "lru_cache: wrong: %s\n", what);
        ++failures;
    }
}

}  // namespace

int main() {
    LruCache<std::string, int> cache(2);
    cache.put("ana", 1);
    cache.put("bruno", 2);
    check(cache.get("ana") == 1, "ana is cached");  // now the most recent
    cache.put("carla", 3);                          // full: evicts bruno
    check(!cache.get("bruno").has_value(), "bruno was evicted");
    check(cache.get("ana") == 1 && cache.get("carla") == 3,
          "ana and carla stay");
    cache.put("ana", 10);  // an update also counts as a use
    cache.put("dora", 4);  // evicts carla
    check(!cache.get("carla").has_value() && cache.get("ana") == 10,
          "carla evicted, ana updated");
    check(cache.size() == 2, "never more than the capacity");

    // A long random run against a slow but obvious model: a list searched
    // from the front. The table's erases keep moving its elements around;
    // the list iterators it stores stay valid.
    LruCache<unsigned, unsigned> fast(64);
    std::list<std::pair<unsigned, unsigned>> model;  // most recent first
    unsigned random = 12345;
    bool same = true;
    for (unsigned step = 0; step < 20000; ++step) {
        random = random * 1103515245U + 12345U;
        const unsigned key = (random >> 16) % 200;
        auto in_model = model.begin();
        while (in_model != model.end() && in_model->first != key) {
            ++in_model;
        }
        if (step % 2 == 0) {  // put
            fast.put(key, step);
            if (in_model != model.end()) {
                model.erase(in_model);
            } else if (model.size() == 64) {
                model.pop_back();
            }
            model.emplace_front(key, step);
        } else {  // get
            const std::optional<unsigned> got = fast.get(key);
            if (in_model == model.end()) {
                same = same && !got.has_value();
            } else {
                same = same && got == in_model->second;
                model.splice(model.begin(), model, in_model);
            }
        }
    }
    check(same && fast.size() == model.size(),
          "a long random run agrees with the model");

    if (failures != 0) {
        return 1;
    }
    std::puts("lru_cache: all checks passed");
    return 0;
}
