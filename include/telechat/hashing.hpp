/// @file
/// @brief The hash table's policies, all of them: the collision strategies
///        (SeparateChaining, LinearProbing, QuadraticProbing, RobinHood), the
///        sizing rules (PowerOfTwo, Prime), and the concepts they model.
///
/// `telechat::HashTable<K, V, Hash, KeyEqual, Collision, Sizing>` takes one
/// of each; the defaults are RobinHood and PowerOfTwo. A strategy or rule of
/// your own is a new header with a type that models the concept.
#pragma once

#include "hashing/concepts.hpp"
#include "hashing/control_bytes.hpp"
#include "hashing/group_probing.hpp"
#include "hashing/linear_probing.hpp"
#include "hashing/native_group_match.hpp"
#include "hashing/neon_group_match.hpp"
#include "hashing/power_of_two.hpp"
#include "hashing/prime.hpp"
#include "hashing/quadratic_probing.hpp"
#include "hashing/robin_hood.hpp"
#include "hashing/scalar_group_match.hpp"
#include "hashing/separate_chaining.hpp"
#include "hashing/sse2_group_match.hpp"
