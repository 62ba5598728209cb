#pragma once
// Writes that never leave a half-written file behind: data goes to a temporary file in the target's folder,
// is flushed to disk, then renamed over the target (rename is atomic on POSIX file systems).
#include <cstddef>
#include <string>

namespace codescope::io {

class AtomicFile {
public:
    /// Creates a temporary file beside `path`. Throws InputError naming `path` if the folder is not writable.
    explicit AtomicFile(std::string path);
    /// Removes the temporary file unless commit() succeeded; the target is untouched then.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends `size` bytes. Throws InputError on a failed write (disk full, ...).
    void write(const void* data, std::size_t size);
    /// Flushes, closes and renames the temporary file onto the target. Throws InputError on failure.
    void commit();

private:
    std::string m_path;
    std::string m_tempPath;
    int m_fd = -1;
    bool m_committed = false;
};

/// Replaces the file at `path` with `contents` atomically. Throws InputError on failure.
void writeFileAtomically(const std::string& path, const std::string& contents);

} // namespace codescope::io
