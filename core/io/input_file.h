#pragma once
// The one way readers open a file the user named. Anything can stand at a path: a named pipe (open() would block
// until a writer comes), /dev/zero or /dev/urandom (a read never ends), a folder, a file of gigabytes where a few
// kilobytes are expected. Every reader opens through here, so each of those is refused at once, in one line that
// names the file, before a byte is read or allocated.
#include <cstddef>
#include <cstdint>
#include <string>

namespace codescope::io {

/// A regular file opened read-only for positioned reads. pread never moves a shared file position, so any number of
/// threads may read through one InputFile at once; the data sets rely on that for their thread-safe read().
class InputFile {
public:
    /// Opens `path` without blocking (O_NONBLOCK, so a FIFO with no writer cannot hang the open) and checks what it
    /// is. Throws InputError ("<path>: <problem>") if it is missing or unreadable, a directory, or not a regular file
    /// (pipes and devices are refused: they cannot be read at an offset and may never end).
    explicit InputFile(const std::string& path);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    /// A moved-from file holds no descriptor; only destruction and assignment are valid on it.
    InputFile(InputFile&& other) noexcept;
    InputFile& operator=(InputFile&& other) noexcept;

    const std::string& path() const { return m_path; }
    /// Size in bytes when the file was opened.
    std::int64_t size() const { return m_size; }
    int descriptor() const { return m_fd; }
    /// Reads exactly `size` bytes at byte `offset`. Throws InputError naming the file on an I/O error or if the file
    /// ends first (it was truncated after being opened).
    void read(std::int64_t offset, unsigned char* destination, std::size_t size) const;
    /// The whole file as bytes. Throws InputError naming the file and `what` (e.g. "a vocab.json") if it holds more
    /// than `maxBytes` bytes: the cap keeps a wrong or hostile file from taking the memory of the machine.
    std::string readAll(std::int64_t maxBytes, const std::string& what) const;

private:
    std::string m_path;
    int m_fd = -1;
    std::int64_t m_size = 0;
};

/// InputFile(path).readAll(maxBytes, what): a whole small file (JSON, a tokenizer's merges, a text to tokenise).
std::string readInputFile(const std::string& path, std::int64_t maxBytes, const std::string& what);

/// Throws InputError as InputFile(path) would, and closes the file again: for files that a library opens by path
/// itself (LibTorch's archives), so that a pipe, a device or a folder never reaches it.
void checkInputFile(const std::string& path);

/// "1.5 GiB", "880 bytes": a byte count as messages print it.
std::string byteSizeText(std::int64_t bytes);

/// `text` made safe for a one-line message: control characters (a newline in a file name) written as \n, \t or
/// \xNN, and cut after `maxBytes` bytes with "...". UTF-8 above 0x7f is left alone.
std::string oneLine(const std::string& text, std::size_t maxBytes = 4096);

} // namespace codescope::io
