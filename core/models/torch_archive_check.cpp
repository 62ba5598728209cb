#include "core/models/torch_archive_check.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <zlib.h>

#include "core/common/input_error.h"
#include "core/io/input_file.h"

namespace codescope::models {

namespace {

std::uint64_t littleEndian(const std::string& bytes, std::size_t at, std::size_t count) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i)
        value |= std::uint64_t(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return value;
}

constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50;
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::int64_t kEndRecordBytes = 22;
constexpr std::int64_t kMaxCommentBytes = 0xffff;
// deflate cannot expand its input by more than this (RFC 1951: 258 bytes from a 2-bit code, rounded up).
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// A model has one record per tensor: tens of thousands at most.
constexpr std::uint64_t kMaxRecords = 1u << 20;

} // namespace

std::vector<TorchArchiveRecord>
readTorchArchiveDirectory(std::int64_t fileSize, const std::function<std::string(std::int64_t, std::int64_t)>& readAt,
                          const std::string& source) {
    const std::string where = io::oneLine(source) + ": ";
    const auto fail = [&](const std::string& problem) -> void {
        throw InputError(where + "not a readable PyTorch archive (" + problem + ")");
    };
    if (fileSize < kEndRecordBytes) fail("too short for a zip file");
    // The end-of-directory record sits in the last 22 bytes plus a comment of up to 64 KiB.
    const std::int64_t tailStart = std::max<std::int64_t>(0, fileSize - kEndRecordBytes - kMaxCommentBytes);
    const std::string tail = readAt(tailStart, fileSize - tailStart);
    std::int64_t end = -1;
    for (std::int64_t i = static_cast<std::int64_t>(tail.size()) - kEndRecordBytes; i >= 0; --i) {
        if (littleEndian(tail, static_cast<std::size_t>(i), 4) == kEndOfDirectory) {
            end = i;
            break;
        }
    }
    if (end < 0) fail("no zip directory: not a zip file, or cut short");
    const auto e = static_cast<std::size_t>(end);
    std::uint64_t entries = littleEndian(tail, e + 10, 2);
    std::uint64_t directorySize = littleEndian(tail, e + 12, 4);
    std::uint64_t directoryOffset = littleEndian(tail, e + 16, 4);
    if (entries == 0xffff || directorySize == 0xffffffff || directoryOffset == 0xffffffff) {
        // Zip64: a locator just before the record points at the 64-bit end-of-directory record.
        if (end < 20 || littleEndian(tail, e - 20, 4) != kZip64Locator) fail("zip64 locator missing");
        const std::uint64_t recordOffset = littleEndian(tail, e - 20 + 8, 8);
        if (recordOffset > static_cast<std::uint64_t>(fileSize) - 56) fail("zip64 directory record outside the file");
        const std::string record = readAt(static_cast<std::int64_t>(recordOffset), 56);
        if (littleEndian(record, 0, 4) != kZip64EndOfDirectory) fail("bad zip64 directory record");
        entries = littleEndian(record, 32, 8);
        directorySize = littleEndian(record, 40, 8);
        directoryOffset = littleEndian(record, 48, 8);
    }
    if (entries > kMaxRecords) fail("the directory claims " + std::to_string(entries) + " records");
    if (directoryOffset > static_cast<std::uint64_t>(fileSize) ||
        directorySize > static_cast<std::uint64_t>(fileSize) - directoryOffset) {
        fail("the zip directory lies outside the file");
    }
    const std::string directory =
        readAt(static_cast<std::int64_t>(directoryOffset), static_cast<std::int64_t>(directorySize));
    std::vector<TorchArchiveRecord> records;
    std::size_t at = 0;
    for (std::uint64_t n = 0; n < entries; ++n) {
        if (at + 46 > directory.size() || littleEndian(directory, at, 4) != kDirectoryEntry)
            fail("damaged zip directory entry " + std::to_string(n));
        const std::uint64_t method = littleEndian(directory, at + 10, 2);
        std::uint64_t compressed = littleEndian(directory, at + 20, 4);
        std::uint64_t size = littleEndian(directory, at + 24, 4);
        const std::size_t nameBytes = littleEndian(directory, at + 28, 2);
        const std::size_t extraBytes = littleEndian(directory, at + 30, 2);
        const std::size_t commentBytes = littleEndian(directory, at + 32, 2);
        std::uint64_t localOffset = littleEndian(directory, at + 42, 4);
        if (at + 46 + nameBytes + extraBytes + commentBytes > directory.size())
            fail("damaged zip directory entry " + std::to_string(n));
        TorchArchiveRecord record;
        record.name = directory.substr(at + 46, nameBytes);
        // Zip64 extra field: the 64-bit values of whichever fields hold 0xffffffff, in this order.
        for (std::size_t x = at + 46 + nameBytes; x + 4 <= at + 46 + nameBytes + extraBytes;) {
            const std::uint64_t id = littleEndian(directory, x, 2);
            const std::size_t length = littleEndian(directory, x + 2, 2);
            if (x + 4 + length > at + 46 + nameBytes + extraBytes) break;
            if (id == 1) {
                std::size_t field = x + 4;
                for (std::uint64_t* value : {&size, &compressed, &localOffset}) {
                    if (*value != 0xffffffff) continue;
                    if (field + 8 > x + 4 + length) fail("damaged zip64 field of " + io::oneLine(record.name, 200));
                    *value = littleEndian(directory, field, 8);
                    field += 8;
                }
            }
            x += 4 + length;
        }
        at += 46 + nameBytes + extraBytes + commentBytes;
        const std::string name = io::oneLine(record.name, 200);
        // torch.save stores every record uncompressed; torch.jit.save deflates its code. LibTorch allocates a record's
        // uncompressed size before inflating it, so that size must be one the compressed bytes can produce.
        if (method != 0 && method != 8) fail("record " + name + " uses compression method " + std::to_string(method));
        if (method == 0 && compressed != size) fail("record " + name + " has two different sizes");
        if (method == 8 && size / kMaxDeflateRatio > compressed + 1)
            fail("record " + name + " claims " + std::to_string(size) + " bytes from " + std::to_string(compressed) +
                 " compressed ones");
        if (localOffset > directoryOffset || directoryOffset - localOffset < 30)
            fail("record " + name + " starts outside the file");
        const std::string local = readAt(static_cast<std::int64_t>(localOffset), 30);
        if (littleEndian(local, 0, 4) != kLocalHeader) fail("record " + name + " has no local header");
        const std::uint64_t dataOffset = localOffset + 30 + littleEndian(local, 26, 2) + littleEndian(local, 28, 2);
        if (dataOffset > directoryOffset || compressed > directoryOffset - dataOffset) {
            fail("record " + name + " claims " + std::to_string(compressed) + " bytes, more than the file holds");
        }
        record.dataOffset = static_cast<std::int64_t>(dataOffset);
        record.size = static_cast<std::int64_t>(size);
        record.storedSize = static_cast<std::int64_t>(compressed);
        record.deflated = method == 8;
        records.push_back(std::move(record));
    }
    return records;
}

namespace {

// Nested containers deeper than this are not in any model file; LibTorch's values are destroyed recursively.
constexpr int kMaxNesting = 100;

// What the checker tracks of a pickled value: the little it must look into, and an opaque "other" for the rest.
struct PickleValue {
    enum class Kind { Other, Mark, Integer, String, Global, Tuple, Storage };
    Kind kind = Kind::Other;
    std::int64_t integer = 0;
    std::string text; // String: contents; Global: "module name"
    std::shared_ptr<const std::vector<PickleValue>> items;
    std::int64_t storageElements = -1; // Storage: numel
    int depth = 0;
};

std::int64_t storageItemBytes(const std::string& global) {
    static const std::map<std::string, std::int64_t> kSizes = {
        {"torch FloatStorage", 4},    {"torch DoubleStorage", 8},       {"torch HalfStorage", 2},
        {"torch BFloat16Storage", 2}, {"torch LongStorage", 8},         {"torch IntStorage", 4},
        {"torch ShortStorage", 2},    {"torch CharStorage", 1},         {"torch ByteStorage", 1},
        {"torch BoolStorage", 1},     {"torch ComplexFloatStorage", 8}, {"torch ComplexDoubleStorage", 16},
        {"torch QInt8Storage", 1},    {"torch QUInt8Storage", 1},       {"torch QInt32Storage", 4},
        {"torch QUInt4x2Storage", 1}, {"torch QUInt2x4Storage", 1}};
    const auto found = kSizes.find(global);
    return found == kSizes.end() ? -1 : found->second;
}

class PickleChecker {
public:
    PickleChecker(const std::string& program, const std::string& source,
                  const std::function<std::optional<std::int64_t>(const std::string&)>& recordSize)
        : m_program(program), m_source(io::oneLine(source)), m_recordSize(recordSize) {}

    void run() {
        while (m_pos < m_program.size()) {
            m_op = m_pos;
            const auto code = static_cast<unsigned char>(m_program[m_pos++]);
            if (code == '.') return; // STOP
            step(code);
        }
        fail("the program ends without its STOP opcode");
    }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        throw InputError(m_source + " is damaged at byte " + std::to_string(m_op) + ": " + problem);
    }

    std::string take(std::uint64_t bytes) {
        if (bytes > m_program.size() - m_pos) {
            fail("an argument of " + std::to_string(bytes) + " bytes runs past the end of the program (" +
                 std::to_string(m_program.size() - m_pos) + " bytes left)");
        }
        std::string value = m_program.substr(m_pos, static_cast<std::size_t>(bytes));
        m_pos += static_cast<std::size_t>(bytes);
        return value;
    }
    std::uint64_t unsignedArgument(std::size_t bytes) { return littleEndian(take(bytes), 0, bytes); }
    std::string line() {
        const std::size_t end = m_program.find('\n', m_pos);
        if (end == std::string::npos) fail("a text argument has no end of line");
        std::string value = m_program.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return value;
    }

    PickleValue pop() {
        if (m_stack.empty() || m_stack.back().kind == PickleValue::Kind::Mark) fail("the stack runs empty");
        PickleValue value = std::move(m_stack.back());
        m_stack.pop_back();
        return value;
    }
    // The values since the last MARK, which is removed.
    std::vector<PickleValue> popToMark() {
        std::size_t mark = m_stack.size();
        while (mark > 0 && m_stack[mark - 1].kind != PickleValue::Kind::Mark)
            --mark;
        if (mark == 0) fail("no MARK to return to");
        std::vector<PickleValue> items(std::make_move_iterator(m_stack.begin() + static_cast<std::ptrdiff_t>(mark)),
                                       std::make_move_iterator(m_stack.end()));
        m_stack.resize(mark - 1);
        return items;
    }
    void push(PickleValue value) {
        if (value.depth > kMaxNesting) fail("values nested more than " + std::to_string(kMaxNesting) + " deep");
        m_stack.push_back(std::move(value));
    }
    static int deepest(const std::vector<PickleValue>& items) {
        int depth = 0;
        for (const PickleValue& item : items)
            depth = std::max(depth, item.depth);
        return depth;
    }
    void pushOther(int depth) {
        PickleValue value;
        value.depth = depth;
        push(std::move(value));
    }
    void pushTuple(std::vector<PickleValue> items) {
        PickleValue value;
        value.kind = PickleValue::Kind::Tuple;
        value.depth = deepest(items) + 1;
        value.items = std::make_shared<const std::vector<PickleValue>>(std::move(items));
        push(std::move(value));
    }
    // Adds items to the container on top of the stack (APPEND, SETITEM, BUILD, ...).
    void extendTop(const std::vector<PickleValue>& items) {
        if (m_stack.empty() || m_stack.back().kind == PickleValue::Kind::Mark) fail("the stack runs empty");
        PickleValue& container = m_stack.back();
        container.depth = std::max(container.depth, deepest(items) + 1);
        if (container.depth > kMaxNesting) fail("values nested more than " + std::to_string(kMaxNesting) + " deep");
        container.kind = PickleValue::Kind::Other;
        container.items.reset();
    }
    void pushMark() {
        PickleValue mark;
        mark.kind = PickleValue::Kind::Mark;
        m_stack.push_back(std::move(mark));
    }
    void pushInteger(std::int64_t integer) {
        PickleValue value;
        value.kind = PickleValue::Kind::Integer;
        value.integer = integer;
        push(std::move(value));
    }
    void pushString(std::string text) {
        PickleValue value;
        value.kind = PickleValue::Kind::String;
        value.text = std::move(text);
        push(std::move(value));
    }
    void pushGlobal(const std::string& module, const std::string& name) {
        PickleValue value;
        value.kind = PickleValue::Kind::Global;
        value.text = module + " " + name;
        push(std::move(value));
    }
    void memoize(std::uint64_t index) {
        if (m_stack.empty()) fail("nothing to memoize");
        m_memo[index] = m_stack.back();
    }
    void recall(std::uint64_t index) {
        const auto found = m_memo.find(index);
        if (found == m_memo.end()) fail("memo entry " + std::to_string(index) + " is read before it is written");
        push(found->second);
    }

    void persistentLoad() {
        const PickleValue id = pop();
        const auto* items = id.kind == PickleValue::Kind::Tuple ? id.items.get() : nullptr;
        if (!items || items->size() < 5 || (*items)[0].kind != PickleValue::Kind::String ||
            (*items)[0].text != "storage") {
            fail("a persistent id that is not ('storage', type, key, location, size)");
        }
        const PickleValue& type = (*items)[1];
        const PickleValue& key = (*items)[2];
        const PickleValue& numel = (*items)[4];
        if (type.kind != PickleValue::Kind::Global || key.kind != PickleValue::Kind::String ||
            numel.kind != PickleValue::Kind::Integer) {
            fail("a storage id whose type, key or size is of the wrong kind");
        }
        const std::int64_t itemBytes = storageItemBytes(type.text);
        const std::string keyText = io::oneLine(key.text, 100);
        if (itemBytes < 0) fail("storage " + keyText + " has an unknown type " + io::oneLine(type.text, 100));
        if (numel.integer < 0 || numel.integer > std::numeric_limits<std::int64_t>::max() / itemBytes)
            fail("storage " + keyText + " claims " + std::to_string(numel.integer) + " elements");
        const std::optional<std::int64_t> held = m_recordSize(key.text);
        if (!held) fail("storage " + keyText + " has no record in the archive");
        if (*held < numel.integer * itemBytes) {
            fail("storage " + keyText + " claims " + std::to_string(numel.integer) + " elements of " +
                 std::to_string(itemBytes) + " bytes but its record holds " + std::to_string(*held) + " bytes");
        }
        PickleValue storage;
        storage.kind = PickleValue::Kind::Storage;
        storage.storageElements = numel.integer;
        storage.text = keyText;
        push(std::move(storage));
    }

    static std::optional<std::vector<std::int64_t>> integers(const PickleValue& value) {
        if (value.kind != PickleValue::Kind::Tuple) return std::nullopt;
        std::vector<std::int64_t> result;
        for (const PickleValue& item : *value.items) {
            if (item.kind != PickleValue::Kind::Integer) return std::nullopt;
            result.push_back(item.integer);
        }
        return result;
    }

    // _rebuild_tensor_v2(storage, offset, size, stride, ...) and _rebuild_qtensor: the view must lie in the storage.
    void checkRebuild(const PickleValue& args) {
        if (args.kind != PickleValue::Kind::Tuple || args.items->size() < 4)
            fail("a tensor rebuilt from bad arguments");
        const std::vector<PickleValue>& a = *args.items;
        const auto sizes = integers(a[2]);
        const auto strides = integers(a[3]);
        if (a[0].kind != PickleValue::Kind::Storage || a[1].kind != PickleValue::Kind::Integer || !sizes || !strides ||
            sizes->size() != strides->size()) {
            fail("a tensor rebuilt from arguments that are not (storage, offset, sizes, strides)");
        }
        const std::string tensor = "a tensor of storage " + a[0].text;
        const std::int64_t offset = a[1].integer;
        if (offset < 0 || offset > a[0].storageElements)
            fail(tensor + " starts at element " + std::to_string(offset) + ", outside its " +
                 std::to_string(a[0].storageElements) + " elements");
        // The last element the view reaches: offset + sum((size - 1) * stride), computed without overflow.
        std::int64_t last = offset;
        bool empty = false;
        for (std::size_t d = 0; d < sizes->size(); ++d) {
            const std::int64_t size = (*sizes)[d];
            const std::int64_t stride = (*strides)[d];
            if (size < 0 || stride < 0) fail(tensor + " has a negative size or stride");
            if (size == 0) empty = true;
        }
        if (empty) return;
        for (std::size_t d = 0; d < sizes->size(); ++d) {
            const std::int64_t size = (*sizes)[d];
            const std::int64_t stride = (*strides)[d];
            if (stride != 0 && size - 1 > (a[0].storageElements - last) / stride) {
                fail(tensor + " of sizes " + shape(*sizes) + " and strides " + shape(*strides) + " from element " +
                     std::to_string(offset) + " reaches past its " + std::to_string(a[0].storageElements) +
                     " elements");
            }
            last += (size - 1) * stride;
        }
        if (last >= a[0].storageElements)
            fail(tensor + " of sizes " + shape(*sizes) + " reaches past its " + std::to_string(a[0].storageElements) +
                 " elements");
    }
    static std::string shape(const std::vector<std::int64_t>& values) {
        std::string text = "[";
        for (std::size_t i = 0; i < values.size(); ++i)
            text += (i ? "," : "") + std::to_string(values[i]);
        return text + "]";
    }

    void reduce() {
        const PickleValue args = pop();
        const PickleValue callable = pop();
        if (callable.kind == PickleValue::Kind::Global &&
            (callable.text == "torch._utils _rebuild_tensor_v2" || callable.text == "torch._utils _rebuild_qtensor")) {
            checkRebuild(args);
        }
        pushOther(std::max(args.depth, callable.depth) + 1);
    }

    void step(unsigned char code) {
        switch (code) {
        case 0x80:
            take(1);
            break; // PROTO
        case 0x95:
            take(8);
            break; // FRAME
        case '(':
            pushMark();
            break;
        case ')':
            pushTuple({});
            break; // EMPTY_TUPLE
        case 't':
            pushTuple(popToMark());
            break; // TUPLE
        case 0x85:
        case 0x86:
        case 0x87: { // TUPLE1..3
            std::vector<PickleValue> items(static_cast<std::size_t>(code - 0x84));
            for (auto item = items.rbegin(); item != items.rend(); ++item)
                *item = pop();
            pushTuple(std::move(items));
            break;
        }
        case ']':
        case '}':
            pushOther(1);
            break; // EMPTY_LIST, EMPTY_DICT
        case 'l':
        case 'd':
            pushOther(deepest(popToMark()) + 1);
            break; // LIST, DICT
        case 'a':
            extendTop({pop()});
            break;  // APPEND
        case 's': { // SETITEM
            PickleValue value = pop();
            PickleValue key = pop();
            extendTop({key, value});
            break;
        }
        case 'e':
        case 'u': { // APPENDS, SETITEMS
            const std::vector<PickleValue> items = popToMark();
            extendTop(items);
            break;
        }
        case 'b':
            extendTop({pop()});
            break; // BUILD
        case 'N':
        case 0x88:
        case 0x89:
            pushOther(0);
            break; // NONE, NEWTRUE, NEWFALSE
        case 'K':
            pushInteger(static_cast<std::int64_t>(unsignedArgument(1)));
            break;
        case 'M':
            pushInteger(static_cast<std::int64_t>(unsignedArgument(2)));
            break;
        case 'J':
            pushInteger(static_cast<std::int32_t>(static_cast<std::uint32_t>(unsignedArgument(4))));
            break;
        case 0x8a: { // LONG1: n bytes, two's complement
            const std::string bytes = take(unsignedArgument(1));
            if (bytes.size() > 8) {
                pushOther(0);
                break;
            }
            std::uint64_t value = littleEndian(bytes, 0, bytes.size());
            if (!bytes.empty() && bytes.size() < 8 && (static_cast<unsigned char>(bytes.back()) & 0x80))
                value |= ~std::uint64_t{0} << (8 * bytes.size());
            pushInteger(static_cast<std::int64_t>(value));
            break;
        }
        case 'G':
            take(8);
            pushOther(0);
            break; // BINFLOAT
        case 'X':
            pushString(take(unsignedArgument(4)));
            break; // BINUNICODE
        case 0x8c:
            pushString(take(unsignedArgument(1)));
            break; // SHORT_BINUNICODE
        case 0x8d:
            pushString(take(unsignedArgument(8)));
            break; // BINUNICODE8
        case 'U':
        case 'C':
            take(unsignedArgument(1));
            pushOther(0);
            break; // SHORT_BINSTRING, SHORT_BINBYTES
        case 'T':
        case 'B':
            take(unsignedArgument(4));
            pushOther(0);
            break; // BINSTRING, BINBYTES
        case 0x8e:
            take(unsignedArgument(8));
            pushOther(0);
            break;  // BINBYTES8
        case 'c': { // GLOBAL
            const std::string module = line();
            pushGlobal(module, line());
            break;
        }
        case 0x93: { // STACK_GLOBAL
            const PickleValue name = pop();
            const PickleValue module = pop();
            if (name.kind != PickleValue::Kind::String || module.kind != PickleValue::Kind::String)
                fail("STACK_GLOBAL of values that are not strings");
            pushGlobal(module.text, name.text);
            break;
        }
        case 'R':
            reduce();
            break;
        case 0x81: { // NEWOBJ: cls args -> obj
            const PickleValue args = pop();
            const PickleValue cls = pop();
            pushOther(std::max(args.depth, cls.depth) + 1);
            break;
        }
        case 'Q':
            persistentLoad();
            break; // BINPERSID
        case 'q':
            memoize(unsignedArgument(1));
            break; // BINPUT
        case 'r':
            memoize(unsignedArgument(4));
            break; // LONG_BINPUT
        case 0x94:
            memoize(m_memo.size());
            break; // MEMOIZE
        case 'h':
            recall(unsignedArgument(1));
            break; // BINGET
        case 'j':
            recall(unsignedArgument(4));
            break; // LONG_BINGET
        case '0':
            pop();
            break; // POP
        case '1':
            popToMark();
            break;  // POP_MARK
        case '2': { // DUP
            if (m_stack.empty()) fail("the stack runs empty");
            push(m_stack.back());
            break;
        }
        default: {
            char text[8];
            std::snprintf(text, sizeof text, "0x%02x", code);
            fail(std::string("opcode ") + text + " is not one LibTorch reads");
        }
        }
    }

    const std::string& m_program;
    std::string m_source;
    const std::function<std::optional<std::int64_t>(const std::string&)>& m_recordSize;
    std::size_t m_pos = 0;
    std::size_t m_op = 0;
    std::vector<PickleValue> m_stack;
    std::map<std::uint64_t, PickleValue> m_memo;
};

} // namespace

void checkTorchPickle(const std::string& program, const std::string& source,
                      const std::function<std::optional<std::int64_t>(const std::string& key)>& recordSize) {
    PickleChecker(program, source, recordSize).run();
}

namespace {

// A raw deflate stream inflated to exactly `size` bytes (its directory entry's size, already checked against the
// compressed size). Throws InputError naming `source` if it is corrupt or of another size.
std::string inflated(const std::string& compressed, std::int64_t size, const std::string& source) {
    std::string out(static_cast<std::size_t>(size), '\0');
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw InputError(io::oneLine(source) + ": cannot inflate");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = inflate(&stream, Z_FINISH);
    const bool whole = status == Z_STREAM_END && stream.total_out == out.size();
    inflateEnd(&stream);
    if (!whole) throw InputError(io::oneLine(source) + ": corrupt compressed record");
    return out;
}

} // namespace

void checkTorchArchive(const std::string& path) {
    const io::InputFile file(path);
    const auto readAt = [&](std::int64_t offset, std::int64_t size) {
        std::string bytes(static_cast<std::size_t>(size), '\0');
        file.read(offset, reinterpret_cast<unsigned char*>(bytes.data()), bytes.size());
        return bytes;
    };
    const std::vector<TorchArchiveRecord> records = readTorchArchiveDirectory(file.size(), readAt, path);
    std::map<std::string, const TorchArchiveRecord*> byName;
    for (const TorchArchiveRecord& record : records)
        byName[record.name] = &record;
    for (const TorchArchiveRecord& record : records) {
        // "<archive>/data.pkl" and "<archive>/constants.pkl": their storages are "<archive>/data/<key>" and
        // "<archive>/constants/<key>" (or the shared "<archive>/.data/<key>" of newer TorchScript files).
        const std::size_t slash = record.name.find('/');
        if (slash == std::string::npos || record.name.find('/', slash + 1) != std::string::npos) continue;
        const std::string leaf = record.name.substr(slash + 1);
        if (leaf != "data.pkl" && leaf != "constants.pkl") continue;
        const std::string folder = record.name.substr(0, slash + 1);
        const std::string storages = folder + leaf.substr(0, leaf.size() - 4) + "/";
        const auto recordSize = [&](const std::string& key) -> std::optional<std::int64_t> {
            for (const std::string& name : {storages + key, folder + ".data/" + key}) {
                const auto found = byName.find(name);
                if (found != byName.end()) return found->second->size;
            }
            return std::nullopt;
        };
        std::string program = readAt(record.dataOffset, record.storedSize);
        if (record.deflated) program = inflated(program, record.size, path + ": " + record.name);
        checkTorchPickle(program, path + ": " + record.name, recordSize);
    }
}

} // namespace codescope::models
