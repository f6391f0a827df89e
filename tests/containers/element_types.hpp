// Element types and hashes that the container tests use to observe what a
// container does with its elements: how often it copies, moves, constructs
// and destroys them, and what happens when a copy or a hash throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// allocation_count() and allocations_during(), from the one operator new
// replacement of the tests and benchmarks (target telechat_allocation_counter).
#include "allocation_counter.hpp"

namespace telechat_test {

// ---------------------------------------------------------------------------
// Lifetime tracking
// ---------------------------------------------------------------------------

/// What happened to the objects of one instrumented type since the last reset().
struct LifetimeStats {
    std::size_t constructions = 0;  ///< every constructor, copies and moves included
    std::size_t copies = 0;         ///< copy constructions
    std::size_t moves = 0;          ///< move constructions
    std::size_t copy_assignments = 0;
    std::size_t move_assignments = 0;
    std::size_t destructions = 0;
    /// Destructor calls on an address that held no live object: a double
    /// destroy, or a destroy of a slot that was never constructed.
    std::size_t bad_destructions = 0;
    /// Uses (reads, assignments, copies from) of an address holding no live object.
    std::size_t uses_of_dead_objects = 0;
};

/// Keeps the set of addresses that hold a live object of type `Owner`, so
/// that a leak (a live object left over), a double destroy or a use after
/// destroy is seen without relying on undefined behaviour.
template <class Owner>
class Lifetime {
public:
    static LifetimeStats& stats() noexcept {
        static LifetimeStats value;
        return value;
    }
    /// The number of objects alive right now.
    static std::size_t live() noexcept { return addresses().size(); }
    /// Forgets the counters (not the live objects).
    static void reset_counters() noexcept {
        const std::size_t bad_destructions = stats().bad_destructions;
        const std::size_t dead_uses = stats().uses_of_dead_objects;
        stats() = LifetimeStats{};
        // Errors stay visible until a test has looked at them.
        stats().bad_destructions = bad_destructions;
        stats().uses_of_dead_objects = dead_uses;
    }
    /// Forgets the recorded errors too.
    static void reset_all() noexcept { stats() = LifetimeStats{}; }

    static void born(const void* address) {
        addresses().insert(address);
        ++stats().constructions;
    }
    static void died(const void* address) noexcept {
        ++stats().destructions;
        if (addresses().erase(address) == 0) {
            ++stats().bad_destructions;
        }
    }
    static void used(const void* address) noexcept {
        if (addresses().count(address) == 0) {
            ++stats().uses_of_dead_objects;
        }
    }

private:
    static std::set<const void*>& addresses() {
        static std::set<const void*> value;
        return value;
    }
};

/// An int wrapper that records every construction, copy, move, assignment
/// and destruction. Its move constructor is noexcept, so containers that
/// grow should move it, never copy it.
class Counted {
public:
    using Track = Lifetime<Counted>;

    explicit Counted(int value) : m_value(value) { Track::born(this); }
    Counted(const Counted& other) : m_value(other.value()) {
        Track::born(this);
        ++Track::stats().copies;
    }
    Counted(Counted&& other) noexcept : m_value(other.value()) {
        Track::born(this);
        ++Track::stats().moves;
        other.m_value = moved_from;
    }
    Counted& operator=(const Counted& other) {
        Track::used(this);
        m_value = other.value();
        ++Track::stats().copy_assignments;
        return *this;
    }
    Counted& operator=(Counted&& other) noexcept {
        Track::used(this);
        m_value = other.value();
        other.m_value = moved_from;
        ++Track::stats().move_assignments;
        return *this;
    }
    ~Counted() { Track::died(this); }

    [[nodiscard]] int value() const noexcept {
        Track::used(this);
        return m_value;
    }

    friend bool operator==(const Counted& a, const Counted& b) noexcept {
        return a.value() == b.value();
    }

    static constexpr int moved_from = -1;

private:
    int m_value;
};

/// A type that can only be moved; the value lives on the heap so that a
/// use after move is a null dereference (caught by the sanitizers).
class MoveOnly {
public:
    explicit MoveOnly(int value) : m_value(std::make_unique<int>(value)) {}
    MoveOnly(const MoveOnly&) = delete;
    MoveOnly& operator=(const MoveOnly&) = delete;
    MoveOnly(MoveOnly&&) noexcept = default;
    MoveOnly& operator=(MoveOnly&&) noexcept = default;
    ~MoveOnly() = default;

    [[nodiscard]] int value() const { return *m_value; }
    [[nodiscard]] bool moved_from() const noexcept { return m_value == nullptr; }

    friend bool operator==(const MoveOnly& a, const MoveOnly& b) { return a.value() == b.value(); }

private:
    std::unique_ptr<int> m_value;
};

/// Hashes a MoveOnly by its value, so that it can be a HashTable key.
struct MoveOnlyHash {
    std::size_t operator()(const MoveOnly& key) const { return std::hash<int>{}(key.value()); }
};

/// A type with no default constructor.
class NoDefault {
public:
    NoDefault() = delete;
    explicit NoDefault(int value) : m_value(value) {}

    [[nodiscard]] int value() const noexcept { return m_value; }
    friend bool operator==(const NoDefault& a, const NoDefault& b) noexcept {
        return a.m_value == b.m_value;
    }

private:
    int m_value;
};

// ---------------------------------------------------------------------------
// Failure injection
// ---------------------------------------------------------------------------

/// What ThrowingCopy's copy and ThrowingHash throw.
struct InjectedFailure : std::runtime_error {
    InjectedFailure() : std::runtime_error("injected failure") {}
};

/// A one-shot countdown: after `successes` more calls to tick() succeed, the
/// next one throws InjectedFailure and the countdown disarms itself.
class Countdown {
public:
    void arm(long successes) noexcept { m_remaining = successes; }
    void disarm() noexcept { m_remaining = -1; }
    [[nodiscard]] bool armed() const noexcept { return m_remaining >= 0; }

    void tick() {
        if (m_remaining < 0) {
            return;
        }
        if (m_remaining == 0) {
            m_remaining = -1;
            throw InjectedFailure();
        }
        --m_remaining;
    }

private:
    long m_remaining = -1;
};

/// Disarms a countdown when it goes out of scope, even if a REQUIRE fails.
class ArmedCountdown {
public:
    ArmedCountdown(Countdown& countdown, long successes) : m_countdown(countdown) {
        m_countdown.arm(successes);
    }
    ArmedCountdown(const ArmedCountdown&) = delete;
    ArmedCountdown& operator=(const ArmedCountdown&) = delete;
    ~ArmedCountdown() { m_countdown.disarm(); }

private:
    Countdown& m_countdown;
};

/// The countdown of ThrowingCopy's copy constructor and copy assignment.
inline Countdown& copy_countdown() noexcept {
    static Countdown countdown;
    return countdown;
}

/// The countdown of ThrowingHash.
inline Countdown& hash_countdown() noexcept {
    static Countdown countdown;
    return countdown;
}

/// An int wrapper whose copy throws when copy_countdown() says so. Its move
/// constructor is deliberately NOT noexcept (although it never throws), so
/// a container that wants the strong guarantee has to copy it when it grows.
class ThrowingCopy {
public:
    using Track = Lifetime<ThrowingCopy>;

    explicit ThrowingCopy(int value) : m_value(value) { Track::born(this); }
    ThrowingCopy(const ThrowingCopy& other) : m_value(other.value()) {
        copy_countdown().tick();
        Track::born(this);
        ++Track::stats().copies;
    }
    // NOLINTNEXTLINE(performance-noexcept-move-constructor): not noexcept on purpose.
    ThrowingCopy(ThrowingCopy&& other) : m_value(other.value()) {
        Track::born(this);
        ++Track::stats().moves;
    }
    ThrowingCopy& operator=(const ThrowingCopy& other) {
        copy_countdown().tick();
        Track::used(this);
        m_value = other.value();
        ++Track::stats().copy_assignments;
        return *this;
    }
    // NOLINTNEXTLINE(performance-noexcept-move-constructor): not noexcept on purpose.
    ThrowingCopy& operator=(ThrowingCopy&& other) {
        Track::used(this);
        m_value = other.value();
        ++Track::stats().move_assignments;
        return *this;
    }
    ~ThrowingCopy() { Track::died(this); }

    [[nodiscard]] int value() const noexcept {
        Track::used(this);
        return m_value;
    }
    friend bool operator==(const ThrowingCopy& a, const ThrowingCopy& b) noexcept {
        return a.value() == b.value();
    }

private:
    int m_value;
};

static_assert(!std::is_nothrow_move_constructible_v<ThrowingCopy>);
static_assert(std::is_nothrow_move_constructible_v<Counted>);

/// std::hash<int>, except that it throws when hash_countdown() says so.
struct ThrowingHash {
    std::size_t operator()(int key) const {
        hash_countdown().tick();
        return std::hash<int>{}(key);
    }
};

// ---------------------------------------------------------------------------
// Weak hashes
// ---------------------------------------------------------------------------

/// The identity: consecutive keys differ only in their lowest bits.
struct IdentityHash {
    std::size_t operator()(int key) const noexcept { return static_cast<std::size_t>(key); }
};

/// key * 1024: the low ten bits are always zero, and small keys leave the
/// top bits zero as well (which is what the home bucket is taken from).
struct TimesThousandTwentyFourHash {
    std::size_t operator()(int key) const noexcept { return static_cast<std::size_t>(key) * 1024U; }
};

/// Every key collides: correct but slow.
struct ConstantHash {
    std::size_t operator()(int /*key*/) const noexcept { return 42; }
};

// ---------------------------------------------------------------------------
// Reading contents
// ---------------------------------------------------------------------------

[[nodiscard]] inline int as_int(int value) noexcept {
    return value;
}
[[nodiscard]] inline int as_int(const Counted& value) noexcept {
    return value.value();
}
[[nodiscard]] inline int as_int(const ThrowingCopy& value) noexcept {
    return value.value();
}
[[nodiscard]] inline int as_int(const NoDefault& value) noexcept {
    return value.value();
}
[[nodiscard]] inline int as_int(const MoveOnly& value) {
    return value.value();
}

/// The elements of a Queue or Stack, in iteration order, as ints. Reading
/// through the iterators copies nothing, so lifetime counters are untouched.
template <class Container>
[[nodiscard]] std::vector<int> ints_of(const Container& container) {
    std::vector<int> result;
    for (const auto& element : container) {
        result.push_back(as_int(element));
    }
    return result;
}

/// The ints first, first + 1, ..., first + count - 1.
[[nodiscard]] inline std::vector<int> iota_ints(int first, int count) {
    std::vector<int> result;
    for (int i = 0; i < count; ++i) {
        result.push_back(first + i);
    }
    return result;
}

/// Lets a test assign or move an object to itself without the compiler
/// warning about it (-Wself-assign-overloaded, -Wself-move).
template <class T>
[[nodiscard]] T& same_object(T& object) noexcept {
    return object;
}

}  // namespace telechat_test
