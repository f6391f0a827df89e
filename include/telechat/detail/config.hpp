/// @file
/// @brief The check every TeleChat container header starts with: the
///        compiler must be in C++20 mode.
#pragma once

// MSVC keeps __cplusplus at 199711L unless /Zc:__cplusplus; _MSVC_LANG is
// always right there.
#if defined(_MSVC_LANG)
#define TELECHAT_DETAIL_CPLUSPLUS _MSVC_LANG
#else
#define TELECHAT_DETAIL_CPLUSPLUS __cplusplus
#endif

#if TELECHAT_DETAIL_CPLUSPLUS < 202002L
#error "TeleChat needs C++20: compile with -std=c++20 (MSVC: /std:c++20; CMake: cxx_std_20)"
// #error does not stop the compiler, and every line of the headers after this
// one would add an error of its own about a C++20 feature. Including a file
// that does not exist is fatal, so the message above is the only one to read.
#include "telechat: the error above says how to fix this"  // IWYU pragma: keep
#endif
