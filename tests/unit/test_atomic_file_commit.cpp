// io::AtomicFile: a reader sees the old file or the whole new one, never a part; an abandoned or failed write leaves
// the target as it was and no temporary file behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "core/common/input_error.h"
#include "core/io/atomic_file.h"

namespace fs = std::filesystem;
using namespace codescope;

namespace {

std::string contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class AtomicFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("codescope-atomic-" + std::to_string(::getpid()));
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()));
    }
    fs::path m_dir;
};

TEST_F(AtomicFileTest, TheTargetChangesOnlyAtCommit) {
    const fs::path target = m_dir / "out.json";
    io::writeFileAtomically(target.string(), "old");
    {
        io::AtomicFile file(target.string());
        file.write("new ", 4);
        EXPECT_EQ(contents(target), "old") << "nothing is visible before commit";
        file.write("contents", 8);
        file.commit();
    }
    EXPECT_EQ(contents(target), "new contents");
    EXPECT_EQ(entries(), 1u) << "no temporary file is left beside it";
}

TEST_F(AtomicFileTest, AnAbandonedWriteLeavesTheOldFileAndNoTemporary) {
    const fs::path target = m_dir / "out.json";
    io::writeFileAtomically(target.string(), "old");
    {
        io::AtomicFile file(target.string());
        file.write("half", 4);
    } // destroyed without commit, as when an exception unwinds a writer
    EXPECT_EQ(contents(target), "old");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, AMissingFolderIsAnInputErrorNamingTheTarget) {
    const std::string target = (m_dir / "missing" / "out.json").string();
    try {
        io::writeFileAtomically(target, "x");
        FAIL() << "a write into a missing folder succeeded";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find(target), std::string::npos) << error.what();
    }
    EXPECT_FALSE(fs::exists(target));
}

} // namespace
