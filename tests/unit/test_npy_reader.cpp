// NpyMatrixReader and writeNpy. Valid files come from numpy itself (tests/data/make_npy_fixtures.py) and are
// compared against the values numpy read back (expected.json), not against our own writer; malformed files are
// built byte by byte here, one defect each.
#include "tests/unit/support/test_files.h"
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/common/input_error.h"
#include "core/io/npy_reader.h"
#include "core/io/npy_writer.h"

namespace {

using codescope::InputError;
using codescope::io::NpyDtype;
using codescope::io::NpyMatrixReader;
using codescope::io::writeNpy;

const std::string kNpyDir = std::string(CODESCOPE_TEST_DATA_DIR) + "/npy";

const nlohmann::json& expectedJson() {
    static const nlohmann::json json = [] {
        std::ifstream in(kNpyDir + "/expected.json");
        if (!in) throw std::runtime_error("cannot open " + kNpyDir + "/expected.json");
        return nlohmann::json::parse(in);
    }();
    return json;
}

Eigen::MatrixXd expectedValues(const nlohmann::json& fixture) {
    const auto& rows = fixture.at("values");
    Eigen::MatrixXd values(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.at(0).size()));
    for (Eigen::Index r = 0; r < values.rows(); ++r) {
        for (Eigen::Index c = 0; c < values.cols(); ++c)
            values(r, c) = rows.at(r).at(c).get<double>();
    }
    return values;
}

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A .npy file as numpy lays it out: magic, version, header length (2 bytes for 1.0, 4 for 2.0/3.0), the dict
// padded with spaces and '\n' to a 64-byte boundary, then `data`.
std::string npyBytes(const std::string& dict, const std::string& data, int major = 1) {
    const std::size_t lengthBytes = major == 1 ? 2 : 4;
    std::string header = dict;
    while ((8 + lengthBytes + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string bytes = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
    for (std::size_t i = 0; i < lengthBytes; ++i)
        bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return bytes + header + data;
}

std::string dictFor(const std::string& descr, const std::string& shape, bool fortran = false) {
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape +
           ", }";
}

std::string zeros(std::size_t count) {
    return std::string(count, '\0');
}

// The constructor must throw InputError with a one-line message "<path>: ..." holding every key word.
void expectRejected(const std::string& path, std::initializer_list<std::string> keyWords) {
    try {
        NpyMatrixReader reader(path);
        ADD_FAILURE() << path << " was accepted";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        for (const std::string& keyWord : keyWords) {
            EXPECT_NE(message.find(keyWord), std::string::npos) << "'" << keyWord << "' missing from: " << message;
        }
    }
}

Eigen::MatrixXd readAll(NpyMatrixReader& reader) {
    std::vector<std::int64_t> columns;
    for (std::int64_t c = 0; c < reader.header().cols; ++c)
        columns.push_back(c);
    Eigen::MatrixXd out(reader.header().rows, reader.header().cols);
    reader.readRows(0, columns, out);
    return out;
}

class NpyReaderFiles : public codescope::test::TempFolderTest {
protected:
};

TEST(NpyReaderFixtures, MatchesNumpyValuesAndHeader) {
    const auto& fixtures = expectedJson().at("valid");
    ASSERT_EQ(fixtures.size(), 6u);
    for (const auto& fixture : fixtures) {
        SCOPED_TRACE(fixture.at("file").get<std::string>());
        NpyMatrixReader reader(kNpyDir + "/" + fixture.at("file").get<std::string>());
        const auto& header = reader.header();
        EXPECT_EQ(header.majorVersion, fixture.at("version").at(0).get<int>());
        EXPECT_EQ(header.minorVersion, 0);
        EXPECT_EQ(header.dtype, fixture.at("descr") == "<f4" ? NpyDtype::Float32 : NpyDtype::Float64);
        EXPECT_EQ(header.fortranOrder, fixture.at("fortran_order").get<bool>());
        EXPECT_EQ(header.rows, 7);
        EXPECT_EQ(header.cols, 5);
        EXPECT_EQ(header.dataOffset % 64, 0); // numpy aligns the data to 64 bytes
        const Eigen::MatrixXd expected = expectedValues(fixture);
        EXPECT_EQ(readAll(reader), expected); // exact: float32 -> double is exact in both numpy and the reader
    }
}

TEST(NpyReaderFixtures, ColumnSubsetAndRowRange) {
    const std::vector<std::int64_t> columns = {0, 2, 4};
    for (const auto& fixture : expectedJson().at("valid")) {
        SCOPED_TRACE(fixture.at("file").get<std::string>());
        NpyMatrixReader reader(kNpyDir + "/" + fixture.at("file").get<std::string>());
        const Eigen::MatrixXd expected = expectedValues(fixture);
        Eigen::MatrixXd out(4, 3); // rows 2..5
        reader.readRows(2, columns, out);
        for (Eigen::Index r = 0; r < 4; ++r) {
            for (Eigen::Index j = 0; j < 3; ++j)
                EXPECT_EQ(out(r, j), expected(2 + r, columns[j]));
        }
        // Any column order, repeats allowed.
        Eigen::MatrixXd picked(1, 3);
        reader.readRows(6, {4, 1, 4}, picked);
        EXPECT_EQ(picked(0, 0), expected(6, 4));
        EXPECT_EQ(picked(0, 1), expected(6, 1));
        EXPECT_EQ(picked(0, 2), expected(6, 4));
    }
}

TEST(NpyReaderFixtures, ChunkedReadsIntoBlocksMatchOneRead) {
    for (const auto& fixture : expectedJson().at("valid")) {
        SCOPED_TRACE(fixture.at("file").get<std::string>());
        NpyMatrixReader reader(kNpyDir + "/" + fixture.at("file").get<std::string>());
        Eigen::MatrixXd out = Eigen::MatrixXd::Zero(7, 5);
        // 3 + 3 + 1 rows, written through strided views of one matrix (the buffer is reused between calls).
        for (Eigen::Index first = 0; first < 7; first += 3) {
            const Eigen::Index count = std::min<Eigen::Index>(3, 7 - first);
            reader.readRows(first, {0, 1, 2, 3, 4}, out.middleRows(first, count));
        }
        EXPECT_EQ(out, expectedValues(fixture));
    }
}

TEST(NpyReaderFixtures, NonFiniteValuesNameRowAndColumn) {
    for (const auto& fixture : expectedJson().at("non_finite")) {
        const std::string path = kNpyDir + "/" + fixture.at("file").get<std::string>();
        SCOPED_TRACE(path);
        const auto badRow = fixture.at("bad_row").get<std::int64_t>();
        const auto badCol = fixture.at("bad_col").get<std::int64_t>();
        NpyMatrixReader reader(path);
        const std::string expected = path + ": value " + fixture.at("bad_value").get<std::string>() + " at row " +
                                     std::to_string(badRow) + ", column " + std::to_string(badCol) +
                                     " (rows are 0-based)";
        EXPECT_THROW(readAll(reader), InputError);
        try {
            readAll(reader);
        } catch (const InputError& error) {
            EXPECT_EQ(std::string(error.what()), expected);
        }
        // Rows before the bad one are fine.
        Eigen::MatrixXd before(badRow, 5);
        EXPECT_NO_THROW(reader.readRows(0, {0, 1, 2, 3, 4}, before));

        Eigen::MatrixXd oneRow(1, 1);
        const std::int64_t otherColumn = (badCol + 1) % 5;
        if (reader.header().fortranOrder) {
            // Fortran order reads only the requested columns, so only those can be checked.
            EXPECT_NO_THROW(reader.readRows(badRow, {otherColumn}, oneRow));
        } else {
            // C order reads whole rows and checks every value, whichever columns were asked for.
            EXPECT_THROW(reader.readRows(badRow, {otherColumn}, oneRow), InputError);
        }
        EXPECT_THROW(reader.readRows(badRow, {badCol}, oneRow), InputError);
    }
}

TEST(NpyReaderFixtures, ReadRowsRejectsIndicesOutsideTheMatrix) {
    NpyMatrixReader reader(kNpyDir + "/f64_c.npy");
    Eigen::MatrixXd out(2, 1);
    EXPECT_THROW(reader.readRows(0, {5}, out), std::out_of_range);
    EXPECT_THROW(reader.readRows(0, {-1}, out), std::out_of_range);
    EXPECT_THROW(reader.readRows(6, {0}, out), std::out_of_range);
    EXPECT_THROW(reader.readRows(-1, {0}, out), std::out_of_range);
    EXPECT_THROW(reader.readRows(0, {0, 1}, out), std::invalid_argument);
    Eigen::MatrixXd none(0, 1);
    EXPECT_NO_THROW(reader.readRows(7, {0}, none));
}

TEST(NpyReaderFixtures, MovedReaderKeepsReading) {
    NpyMatrixReader first(kNpyDir + "/f32_fortran.npy");
    NpyMatrixReader second(std::move(first));
    NpyMatrixReader third(kNpyDir + "/f64_c.npy");
    third = std::move(second);
    EXPECT_EQ(third.path(), kNpyDir + "/f32_fortran.npy");
    EXPECT_EQ(readAll(third), expectedValues(expectedJson().at("valid").at(2)));
}

TEST_F(NpyReaderFiles, HandWrittenHeadersInAnyLayout) {
    std::string data;
    for (int i = 0; i < 6; ++i) {
        const double value = i + 0.5;
        data.append(reinterpret_cast<const char*>(&value), sizeof value); // this host is little-endian (x86/arm64)
    }
    // Keys in any order, double quotes, odd spacing, no trailing comma, Python 2 long integers, format 2.0 and 3.0.
    const std::string layouts[] = {
        "{ \"shape\" :(2,3),'fortran_order':False ,'descr':'<f8'}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }",
    };
    int index = 0;
    for (const std::string& dict : layouts) {
        for (const int major : {1, 2, 3}) {
            const std::string path = file("layout" + std::to_string(index++) + ".npy", npyBytes(dict, data, major));
            NpyMatrixReader reader(path);
            EXPECT_EQ(reader.header().majorVersion, major);
            Eigen::MatrixXd expected(2, 3);
            expected << 0.5, 1.5, 2.5, 3.5, 4.5, 5.5;
            EXPECT_EQ(readAll(reader), expected) << dict;
        }
    }
}

TEST_F(NpyReaderFiles, RejectsMissingUnreadableAndNonNpyFiles) {
    expectRejected(m_dir + "/missing.npy", {"cannot open"});
    expectRejected(m_dir, {"directory"});
    expectRejected(file("empty.npy", ""), {"not a NumPy .npy file (bad magic)"});
    expectRejected(file("zip.npy", std::string("PK\x03\x04", 4) + zeros(200)), {"bad magic"});
    expectRejected(file("short.npy", std::string("\x93NUM", 4)), {"bad magic"});
    expectRejected(file("preamble.npy", std::string("\x93NUMPY\x01", 7)), {"truncated"});
}

TEST_F(NpyReaderFiles, RejectsUnsupportedVersions) {
    std::string bytes = npyBytes(dictFor("<f8", "(2, 3)"), zeros(48));
    bytes[6] = 4;
    expectRejected(file("v4.npy", bytes), {"unsupported .npy format version 4.0"});
    bytes[6] = 1;
    bytes[7] = 1;
    expectRejected(file("v11.npy", bytes), {"version 1.1"});
}

TEST_F(NpyReaderFiles, RejectsHeadersThatLie) {
    const std::string good = npyBytes(dictFor("<f8", "(2, 3)"), zeros(48));
    std::string pastEnd = good;
    pastEnd[8] = '\x88';
    pastEnd[9] = '\x13'; // 5000 bytes
    expectRejected(file("past_end.npy", pastEnd), {"lies about its size"});

    std::string huge = npyBytes(dictFor("<f8", "(2, 3)"), zeros(48), 2);
    huge[11] = '\x7f'; // ~2 GB header length in a small file
    expectRejected(file("huge_header.npy", huge), {"lies about its size"});

    std::string shortHeader = good;
    shortHeader[8] = static_cast<char>(shortHeader[8] - 1); // header now ends on a space, not '\n'
    expectRejected(file("no_newline.npy", shortHeader), {"malformed header", "newline"});
}

TEST_F(NpyReaderFiles, RejectsMalformedHeaderDicts) {
    const std::string dicts[] = {
        "hello",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ",
        "{'descr': '<f8', 'fortran_order': False}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
        "{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'shape': (2, 3)}",
        "{'descr': 8, 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f8, 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (((((((((((((((((((2, 3)))))))))))))))))))}",
    };
    int index = 0;
    for (const std::string& dict : dicts) {
        SCOPED_TRACE(dict);
        expectRejected(file("dict" + std::to_string(index++) + ".npy", npyBytes(dict, zeros(48))),
                       {"malformed header"});
    }
}

TEST_F(NpyReaderFiles, RejectsUnsupportedDtypesByName) {
    const std::pair<std::string, std::string> cases[] = {
        {">f4", "big-endian"},       {">f8", "big-endian"}, {"<i4", "integer"}, {"<i8", "integer"},
        {"|u1", "unsigned integer"}, {"|O", "object"},      {"|b1", "bool"},    {"<c16", "complex"},
        {"<f2", "float of 2 bytes"}, {"=f4", "native"},     {"<U8", "unicode"}, {"<M8[ns]", "datetime"},
    };
    int index = 0;
    for (const auto& [descr, why] : cases) {
        const std::string path =
            file("dtype" + std::to_string(index++) + ".npy", npyBytes(dictFor(descr, "(2, 3)"), zeros(48)));
        expectRejected(path, {"unsupported dtype '" + descr + "'", why, "'<f4'", "'<f8'"});
    }
    const std::string structured = "[('x', '<f4'), ('y', '<f4')]";
    const std::string path =
        file("structured.npy",
             npyBytes("{'descr': " + structured + ", 'fortran_order': False, 'shape': (2, 3), }", zeros(48)));
    expectRejected(path, {"unsupported dtype " + structured, "structured"});
}

TEST_F(NpyReaderFiles, RejectsShapesOtherThanNonEmpty2D) {
    expectRejected(file("1d.npy", npyBytes(dictFor("<f8", "(3,)"), zeros(24))),
                   {"shape (3,) is 1-D", "rows = samples, columns = features"});
    expectRejected(file("3d.npy", npyBytes(dictFor("<f4", "(2, 3, 4)"), zeros(96))), {"shape (2, 3, 4) is 3-D", "2-D"});
    expectRejected(file("scalar.npy", npyBytes(dictFor("<f8", "()"), zeros(8))), {"shape () is a 0-D scalar"});
    expectRejected(file("int.npy", npyBytes(dictFor("<f8", "(6)"), zeros(48))), {"malformed header"});
    expectRejected(file("zero_rows.npy", npyBytes(dictFor("<f8", "(0, 5)"), "")), {"zero rows"});
    expectRejected(file("zero_cols.npy", npyBytes(dictFor("<f4", "(5, 0)", true), "")), {"zero columns"});
}

TEST_F(NpyReaderFiles, RejectsAbsurdShapesWithoutOverflow) {
    const std::string max = std::to_string(std::numeric_limits<std::int64_t>::max());
    expectRejected(file("max.npy", npyBytes(dictFor("<f8", "(" + max + ", " + max + ")"), zeros(8))), {"too large"});
    expectRejected(file("wrap.npy", npyBytes(dictFor("<f8", "(4611686018427387904, 4)"), zeros(8))), {"too large"});
    expectRejected(file("digits.npy", npyBytes(dictFor("<f8", "(99999999999999999999999, 4)"), zeros(8))),
                   {"too large"});
}

TEST_F(NpyReaderFiles, RejectsDataSizeThatDisagreesWithTheShape) {
    expectRejected(file("truncated.npy", npyBytes(dictFor("<f8", "(7, 5)"), zeros(100))),
                   {"truncated", "header declares 7 x 5 '<f8' = 280 bytes of data but the file holds 100"});
    expectRejected(file("trailing.npy", npyBytes(dictFor("<f4", "(7, 5)", true), zeros(148))),
                   {"trailing", "header declares 7 x 5 '<f4' = 140 bytes of data but the file holds 148"});

    std::string copy = readBytes(kNpyDir + "/f32_c.npy");
    ASSERT_GT(copy.size(), 4u);
    copy.resize(copy.size() - 4);
    expectRejected(file("f32_c_cut.npy", copy), {"truncated", "holds 136"});
}

TEST_F(NpyReaderFiles, WriteRoundTripBothDtypesAndOrders) {
    Eigen::MatrixXd values(6, 4);
    for (Eigen::Index r = 0; r < 6; ++r) {
        for (Eigen::Index c = 0; c < 4; ++c)
            values(r, c) = (r - 2.5) * 1.1e3 + c / 3.0 + 1e-9 * r;
    }
    for (const NpyDtype dtype : {NpyDtype::Float32, NpyDtype::Float64}) {
        for (const bool fortran : {false, true}) {
            const std::string path =
                m_dir + "/round" + std::to_string(static_cast<int>(dtype)) + (fortran ? "F" : "C") + ".npy";
            writeNpy(path, values, dtype, fortran);
            NpyMatrixReader reader(path);
            EXPECT_EQ(reader.header().majorVersion, 1);
            EXPECT_EQ(reader.header().dtype, dtype);
            EXPECT_EQ(reader.header().fortranOrder, fortran);
            EXPECT_EQ(reader.header().rows, 6);
            EXPECT_EQ(reader.header().cols, 4);
            const Eigen::MatrixXd expected =
                dtype == NpyDtype::Float32 ? Eigen::MatrixXd(values.cast<float>().cast<double>()) : values;
            EXPECT_EQ(readAll(reader), expected);
        }
    }
    // A strided view (a block of a larger matrix) is written as its own values.
    const std::string blockPath = m_dir + "/block.npy";
    writeNpy(blockPath, values.block(1, 1, 3, 2), NpyDtype::Float64);
    NpyMatrixReader blockReader(blockPath);
    EXPECT_EQ(readAll(blockReader), Eigen::MatrixXd(values.block(1, 1, 3, 2)));
}

TEST_F(NpyReaderFiles, WriterOutputIsByteIdenticalToNumpy) {
    for (const auto& fixture : expectedJson().at("valid")) {
        if (fixture.at("version").at(0).get<int>() != 1) continue; // writeNpy writes format 1.0 only
        const std::string name = fixture.at("file").get<std::string>();
        SCOPED_TRACE(name);
        const std::string path = m_dir + "/" + name;
        writeNpy(path, expectedValues(fixture), fixture.at("descr") == "<f4" ? NpyDtype::Float32 : NpyDtype::Float64,
                 fixture.at("fortran_order").get<bool>());
        EXPECT_EQ(readBytes(path), readBytes(kNpyDir + "/" + name));
    }
}

TEST_F(NpyReaderFiles, WriterRejectsBadTargetsAndValues) {
    const Eigen::MatrixXd values = Eigen::MatrixXd::Ones(2, 2);
    const std::string missingDir = m_dir + "/no/such/folder/out.npy";
    try {
        writeNpy(missingDir, values, NpyDtype::Float64);
        ADD_FAILURE() << "writing into a missing folder succeeded";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(missingDir + ": ", 0), 0u) << error.what();
    }
    EXPECT_THROW(writeNpy(m_dir + "/empty.npy", Eigen::MatrixXd(0, 3), NpyDtype::Float64), InputError);
    Eigen::MatrixXd tooBig = values;
    tooBig(1, 0) = 1e300;
    try {
        writeNpy(m_dir + "/big.npy", tooBig, NpyDtype::Float32);
        ADD_FAILURE() << "1e300 was written as float32";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("row 1, column 0 does not fit in float32"), std::string::npos)
            << error.what();
    }
    EXPECT_FALSE(std::filesystem::exists(m_dir + "/big.npy")); // atomic: nothing left behind
}

} // namespace
