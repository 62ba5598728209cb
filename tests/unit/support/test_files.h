#pragma once
// What many unit tests need around files and errors: a folder of their own for the files they write, raw byte
// writes, gzip-compressed fixtures unpacked, and the one-line message of the InputError a call throws.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/input_error.h"

namespace codescope::test {

/// Writes `bytes` to `path` as they are (creating its folder).
inline void writeBytes(const std::string& path, const std::string& bytes) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Decompresses the gzip file `source` into `destination` (the fixtures keep large models compressed). Throws
/// std::runtime_error if either cannot be opened or the data is corrupt.
inline void gunzip(const std::string& source, const std::string& destination) {
    gzFile in = gzopen(source.c_str(), "rb");
    if (!in) throw std::runtime_error("cannot open " + source);
    std::ofstream out(destination, std::ios::binary);
    std::vector<char> buffer(1 << 20);
    int read = 0;
    while ((read = gzread(in, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0)
        out.write(buffer.data(), read);
    gzclose(in);
    if (read < 0 || !out) throw std::runtime_error("cannot decompress " + source);
}

/// The message of the InputError that `work` throws; a test failure (and "") if it throws none.
template <typename F> std::string errorOf(F&& work) {
    try {
        work();
    } catch (const InputError& error) {
        return error.what();
    }
    ADD_FAILURE() << "no InputError thrown";
    return {};
}

/// A fixture with an empty folder of its own under gtest's temporary directory, removed after each test.
class TempFolderTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = ::testing::TempDir() + "codescope_test_XXXXXX";
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        m_dir = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    /// Writes `bytes` to `name` inside the folder (subfolders created) and returns its path.
    std::string file(const std::string& name, const std::string& bytes) {
        const std::string path = m_dir + "/" + name;
        writeBytes(path, bytes);
        return path;
    }

    std::string m_dir;
};

} // namespace codescope::test
