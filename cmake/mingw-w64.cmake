# Cross-builds TeleChat for 64-bit Windows with Debian's MinGW-w64 (package
# g++-mingw-w64-x86-64-posix) and runs what it builds under wine: the
# `windows` preset of CMakePresets.json uses this file.
#
# The posix thread model (the -posix compiler) is the one whose libstdc++
# has std::thread and std::mutex, which the server needs; the win32 model
# has none in GCC 12.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(TELECHAT_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${TELECHAT_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TELECHAT_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${TELECHAT_MINGW_PREFIX}-windres)

# Libraries and headers come from the MinGW tree only, never from the
# host's /usr/include (glibc's headers break a Windows build); programs
# (cmake, ninja) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${TELECHAT_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Statically linked: without -static every .exe needs libstdc++-6.dll,
# libgcc_s_seh-1.dll and libwinpthread-1.dll beside it, and under wine a
# missing DLL ends the program (exit 53) with nothing said unless
# WINEDEBUG keeps err+module.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# ctest runs every test program through wine (64-bit loader; Debian's wine64
# package has no /usr/bin/wine without the `wine` package).
find_program(TELECHAT_WINE NAMES wine64 wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(TELECHAT_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${TELECHAT_WINE})
endif()
