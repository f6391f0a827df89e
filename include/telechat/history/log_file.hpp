/// @file
/// @brief The file layer of the durable history log: telechat::history::LogFile
///        (append, sync, reserve space) and the crash-safe ways to replace a
///        file and keep one aside, for POSIX systems and Windows.
///
/// Include this header: it includes log_file_posix.hpp or, on Windows,
/// log_file_windows.hpp, which give the same names with the same meaning.
/// Like the socket backends, it includes the system's headers, so
/// <telechat/telechat.hpp> leaves it out.
///
/// ## What a write promises, and what a sync adds
///
/// A successful write() (append()) has handed the bytes to the kernel: every
/// reader sees them at once, and they survive the death of the process (a
/// crash, `kill -9`). They do not yet survive the death of the machine (a
/// power cut, a kernel panic): until the kernel writes them back, they live
/// only in its page cache. sync() (fdatasync; FlushFileBuffers on Windows)
/// returns once the file's data, and the metadata needed to read it back
/// (its size), are on stable storage. It promises nothing about the folder:
/// a file just created, or renamed, may still vanish or keep its old name
/// after a power cut until the folder itself is synced (sync_directory_of()).
/// Nor does it promise what the hardware does with its own cache: a drive
/// that lies about flushing (or macOS, where fsync stops before the drive's
/// cache and only F_FULLFSYNC goes further) can still lose synced data.
/// A log syncs once per batch of appends ("group commit"), not once per
/// record, and acknowledges a record only after the sync that covers it.
///
/// ## When a sync fails
///
/// A failed fsync/fdatasync (EIO) means some written data may never reach
/// the disk, and Linux may already have dropped those pages and cleared the
/// error: a second fsync can then succeed and prove nothing. So a caller must
/// not retry and carry on as if the data were safe; it must treat the
/// records since the last good sync as lost (stop acknowledging, reopen, read
/// back what is really there). LogFile enforces the first half: after one
/// failed sync(), every later sync() of that LogFile throws too.
///
/// ## Replacing a file: write, sync, rename, sync the folder
///
/// Writing a file in place (truncate, then write) leaves, after a crash in
/// between, a file that is empty or half old, half new. replace_file() never
/// writes `PATH` itself:
///
///     PATH.tmp  <- the new bytes       (ReplaceStep::temporary_written)
///     sync PATH.tmp, close it          (ReplaceStep::temporary_synced)
///     rename PATH.tmp -> PATH          (ReplaceStep::renamed)
///     sync PATH's folder               (ReplaceStep::directory_synced)
///
/// - A rename within one file system is atomic: any reader, and the disk
///   after any crash, finds `PATH` either old or new, never missing or mixed.
/// - The temporary is synced *before* the rename because file systems may
///   write the rename (metadata) to disk before the file's data: after a
///   power cut the new name could point at an empty or partial file, the
///   very outcome the rename was meant to rule out.
/// - The folder is synced *after* the rename because the rename is a change
///   to the folder; until it is on disk, a power cut may bring the old file
///   back. Only then is the replacement durable and may be relied on (for
///   instance, before deleting what the new file makes unnecessary).
/// - A `PATH.tmp` left by a crash is harmless: readers ignore it and the next
///   replacement truncates and overwrites it.
///
/// On Windows, MoveFileEx with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH
/// replaces the file and returns only once the move is flushed; Windows has no
/// way to sync a folder, and needs none after a write-through move.
///
/// keep_copy_aside() keeps a file (say one found corrupt) under a second name
/// before the original is replaced: a hard link on POSIX, so the bytes exist
/// under at least one name at every instant, then a sync of the folder.
///
/// ## Threads
///
/// A LogFile is used by one thread at a time, except that sync() may run on
/// another thread than append(), even at the same time (a syncing thread
/// behind an appending one is the usual group commit).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#if defined(_WIN32)
#include "log_file_windows.hpp"
#else
#include "log_file_posix.hpp"
#endif
