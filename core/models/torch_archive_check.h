#pragma once
// Checks a PyTorch zip archive (torch.save's state_dict, a TorchScript module) before LibTorch reads it. LibTorch
// 1.13 trusts the file: a tensor's size, stride and offset are not checked against its storage, a storage's element
// count is not checked against its record's bytes, and a pickle string's length is allocated before it is read, so a
// damaged or hand-made file reads past a buffer or allocates gigabytes. This reader needs no LibTorch: it parses the
// zip directory itself and walks the pickle programs with a small stack machine that knows only what it must check.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace codescope::models {

/// One stored record of the archive.
struct TorchArchiveRecord {
    std::string name;            ///< as in the zip ("model/data/0")
    std::int64_t dataOffset = 0; ///< byte offset of its data in the file
    std::int64_t size = 0;       ///< bytes once read (uncompressed)
    std::int64_t storedSize = 0; ///< bytes in the file
    bool deflated = false;       ///< compressed (TorchScript compresses its code records), else stored
};

/// Reads the zip directory of the archive held in `bytes` of a file called `source` (for messages), checking every
/// record against the file's real size: stored, or deflated within deflate's largest ratio (1032:1), local header
/// and data inside the file, a stored record's two sizes equal. `readAt(offset, size)` returns `size` bytes at `offset`
/// (the caller's file or buffer). Throws InputError "<source>: <problem>".
std::vector<TorchArchiveRecord>
readTorchArchiveDirectory(std::int64_t fileSize, const std::function<std::string(std::int64_t, std::int64_t)>& readAt,
                          const std::string& source);

/// Walks a pickle program (data.pkl or constants.pkl) as LibTorch's unpickler would and checks, without building
/// anything: every opcode is one LibTorch reads, every length-prefixed argument lies inside the program, nesting stays
/// under 100 levels, each persistent storage ('storage', torch.XStorage, key, location, numel) names a record whose
/// size `recordSize(key)` (nullopt: no such record) holds numel elements of its type, and each tensor rebuilt by
/// torch._utils._rebuild_tensor_v2 or _rebuild_qtensor has non-negative sizes, strides and offset that stay inside
/// its storage. Throws InputError "<source> is damaged at byte N: <problem>" (source: "model.pt: archive/data.pkl").
void checkTorchPickle(const std::string& program, const std::string& source,
                      const std::function<std::optional<std::int64_t>(const std::string& key)>& recordSize);

/// Both checks on the file at `path`, for every data.pkl and constants.pkl of the archive. Opens it through
/// io::InputFile (pipes and devices refused). Throws InputError naming the file.
void checkTorchArchive(const std::string& path);

} // namespace codescope::models
