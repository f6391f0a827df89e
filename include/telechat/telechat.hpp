/// @file
/// @brief Includes every public TeleChat header.
#pragma once

#include "hash_table.hpp"
#include "invariant.hpp"
#include "queue.hpp"
#include "stack.hpp"
