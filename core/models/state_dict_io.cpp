#include "core/models/state_dict_io.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include <ATen/ATen.h>
#include <ATen/core/Dict.h>
#include <ATen/core/ivalue.h>
#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/api/include/torch/serialize.h>
#include <torch/csrc/jit/serialization/unpickler.h>
#include <torch/nn/module.h>

#include "core/common/input_error.h"
#include "core/io/atomic_file.h"
#include "core/io/input_file.h"
#include "core/models/torch_archive_check.h"
#include "core/models/torch_errors.h"

namespace codescope::models {

namespace {

void collect(const torch::nn::Module& module, const std::string& prefix, StateDict& out) {
    for (const auto& item : module.named_parameters(/*recurse=*/false))
        if (item.value().defined()) out.emplace_back(prefix + item.key(), item.value());
    for (const auto& item : module.named_buffers(/*recurse=*/false))
        if (item.value().defined()) out.emplace_back(prefix + item.key(), item.value());
    for (const auto& child : module.named_children())
        collect(*child.value(), prefix + child.key() + ".", out);
}

// "kind a, b, c, d, e and 3 more": the first names of a list, the rest counted, so the line stays one line.
std::string nameList(const std::string& kind, const std::vector<std::string>& names) {
    constexpr std::size_t kShown = 5;
    std::string text = kind + " ";
    for (std::size_t i = 0; i < names.size() && i < kShown; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > kShown) text += " and " + std::to_string(names.size() - kShown) + " more";
    return text;
}

// Pickle opcodes (protocols 2-4) by the size of their argument: a fixed number of bytes, or a little-endian length
// of 1 or 4 bytes followed by that many bytes. -1 / 0: not in that group.
bool isOneOf(unsigned char code, const char* codes, std::size_t count) {
    return std::memchr(codes, code, count) != nullptr;
}
int fixedArgumentSize(unsigned char code) {
    static const char none[] = "()}]tRbsuae.NQ\x85\x86\x87\x88\x89"; // MARK, EMPTY_TUPLE, ..., NEWFALSE
    if (isOneOf(code, none, sizeof none - 1)) return 0;
    if (isOneOf(code, "\x80Kqh", 4)) return 1; // PROTO, BININT1, BINPUT, BINGET
    if (code == 'M') return 2;                 // BININT2
    if (isOneOf(code, "Jrj", 3)) return 4;     // BININT, LONG_BINPUT, LONG_BINGET
    if (code == 'G') return 8;                 // BINFLOAT
    return -1;
}
int lengthPrefixSize(unsigned char code) {
    if (isOneOf(code, "\x8aUC\x8c", 4)) return 1; // LONG1, SHORT_BINSTRING, SHORT_BINBYTES, SHORT_BINUNICODE
    if (isOneOf(code, "\x8bXTB", 4)) return 4;    // LONG4, BINUNICODE, BINSTRING, BINBYTES
    return 0;
}

// Key under which withPlainDicts files the state of a BUILD (the `_metadata` of Python's state_dict); skipped.
const std::string kBuildStateKey = "__codescope_pickle_build_state__";

struct PickleOp {
    unsigned char code = 0;
    std::size_t begin = 0, end = 0; // bytes of the op and its argument in the program
    bool orderedDict = false;       // GLOBAL collections.OrderedDict, or BINGET of a memo holding it
    std::uint64_t memo = 0;         // BINPUT / BINGET argument
};

// The program's ops, each with its argument; nullopt for an opcode not handled here or a truncated program.
std::optional<std::vector<PickleOp>> pickleOps(const std::string& program) {
    auto littleEndian = [&](std::size_t at, std::size_t bytes) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < bytes; ++i)
            value |= std::uint64_t(static_cast<unsigned char>(program[at + i])) << (8 * i);
        return value;
    };
    std::vector<PickleOp> ops;
    for (std::size_t pos = 0; pos < program.size();) {
        PickleOp op;
        op.code = static_cast<unsigned char>(program[pos]);
        op.begin = pos;
        const std::size_t arg = pos + 1;
        std::size_t size = 0; // of the argument
        if (op.code == 'c') { // GLOBAL "module\nname\n"
            const std::size_t first = program.find('\n', arg);
            const std::size_t second = first == std::string::npos ? first : program.find('\n', first + 1);
            if (second == std::string::npos) return std::nullopt;
            size = second + 1 - arg;
            op.orderedDict = program.compare(arg, size, "collections\nOrderedDict\n") == 0;
        } else if (const int fixed = fixedArgumentSize(op.code); fixed >= 0) {
            size = static_cast<std::size_t>(fixed);
        } else if (const int prefix = lengthPrefixSize(op.code); prefix > 0) {
            const auto lengthBytes = static_cast<std::size_t>(prefix);
            if (arg + lengthBytes > program.size()) return std::nullopt;
            size = lengthBytes + littleEndian(arg, lengthBytes);
        } else {
            return std::nullopt;
        }
        op.end = arg + size;
        if (op.end > program.size()) return std::nullopt;
        if (op.code == 'q' || op.code == 'h') op.memo = littleEndian(arg, 1);
        if (op.code == 'r' || op.code == 'j') op.memo = littleEndian(arg, 4);
        ops.push_back(op);
        pos = op.end;
    }
    return ops;
}

// What withPlainDicts changes, per op.
struct PickleEdits {
    std::vector<bool> drop, toDict, toSetItems, keyBefore;
    std::vector<int> marksBefore;
};

// Simulates the unpickler's stack to find the ops to change; nullopt if the program does not add up.
std::optional<PickleEdits> plainDictEdits(const std::vector<PickleOp>& ops) {
    // Each stack item knows the op where it starts and whether it is OrderedDict itself.
    struct Item {
        std::size_t start;
        bool orderedDict;
    };
    std::vector<Item> stack;
    std::vector<std::pair<std::size_t, std::size_t>> marks; // stack depth at each MARK, and the MARK's op
    std::map<std::uint64_t, bool> memoIsOrderedDict;
    PickleEdits edits;
    for (auto* flags : {&edits.drop, &edits.toDict, &edits.toSetItems, &edits.keyBefore})
        flags->assign(ops.size(), false);
    edits.marksBefore.assign(ops.size(), 0);
    auto pop = [&](std::size_t n) {
        if (stack.size() < n) return false;
        stack.resize(stack.size() - n);
        return true;
    };
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const PickleOp& op = ops[i];
        switch (op.code) {
        case 'q':
        case 'r': // BINPUT: memoize the top
            if (stack.empty()) return std::nullopt;
            memoIsOrderedDict[op.memo] = stack.back().orderedDict;
            break;
        case 'h':
        case 'j': // BINGET
            stack.push_back({i, memoIsOrderedDict[op.memo]});
            break;
        case '(':
            marks.emplace_back(stack.size(), i);
            break;
        case 't':
        case 'u':
        case 'e': { // TUPLE, SETITEMS, APPENDS: consume back to the mark
            if (marks.empty() || marks.back().first > stack.size()) return std::nullopt;
            const auto [depth, markOp] = marks.back();
            marks.pop_back();
            stack.resize(depth);
            if (op.code == 't') stack.push_back({markOp, false});
            break;
        }
        case 0x85:
        case 0x86:
        case 0x87: { // TUPLE1..3
            const std::size_t n = op.code - 0x84;
            if (stack.size() < n) return std::nullopt;
            const std::size_t start = stack[stack.size() - n].start;
            pop(n);
            stack.push_back({start, false});
            break;
        }
        case 'R': { // REDUCE: callable args -> result
            if (stack.size() < 2) return std::nullopt;
            const Item callable = stack[stack.size() - 2], args = stack.back();
            if (callable.orderedDict && ops[args.start].code == ')' && args.start + 1 == i) {
                edits.toDict[callable.start] = true;
                edits.drop[args.start] = edits.drop[i] = true;
            }
            pop(2);
            stack.push_back({callable.start, false});
            break;
        }
        case 'b': // BUILD: obj state -> obj
            if (stack.size() < 2) return std::nullopt;
            edits.keyBefore[stack.back().start] = true;
            edits.toSetItems[i] = true;
            pop(1);
            break;
        case 's': // SETITEM: dict key value -> dict
            if (stack.size() < 2) return std::nullopt;
            ++edits.marksBefore[stack[stack.size() - 2].start];
            edits.toSetItems[i] = true;
            pop(2);
            break;
        case 'a': // APPEND: list value -> list
            if (!pop(1)) return std::nullopt;
            break;
        case 'Q':
        case 0x80:
        case '.':
            break; // BINPERSID replaces the top; PROTO; STOP
        default:
            stack.push_back({i, op.orderedDict});
            break;
        }
    }
    return edits;
}

// LibTorch 1.13's unpickler turns collections.OrderedDict into None (it expects OrderedDicts only as a tensor's
// unused backward hooks) and knows BUILD only for its own classes, so the OrderedDict that Python's state_dict()
// returns, with its `_metadata` attribute, makes torch::pickle_load fail ("Expected GenericDict but got None",
// pytorch issue #100741; fixed in PyTorch 2.6). We rewrite those opcodes of the pickle program before unpickling:
//   OrderedDict EMPTY_TUPLE REDUCE  ->  EMPTY_DICT                          (a plain dict instead of None)
//   obj STATE BUILD                 ->  obj MARK "kBuildStateKey" STATE SETITEMS
//   dict KEY VALUE SETITEM          ->  dict MARK KEY VALUE SETITEMS        (1.13 knows only SETITEMS)
// using only opcodes the unpickler knows. Opcode arguments are skipped by their sizes in the pickle protocol (a key
// is never read as an opcode), and a small stack simulation finds where BUILD's state begins. Tensor records, keys
// and their order are left to LibTorch. The program is returned unchanged if it holds an opcode not handled here
// (the unpickler then reports the problem).
std::string withPlainDicts(const std::string& program) {
    const auto ops = pickleOps(program);
    if (!ops) return program;
    const auto edits = plainDictEdits(*ops);
    if (!edits) return program;
    std::string out;
    out.reserve(program.size() + 64);
    for (std::size_t i = 0; i < ops->size(); ++i) {
        out.append(edits->marksBefore[i], '(');
        if (edits->keyBefore[i]) {
            const auto length = static_cast<std::uint32_t>(kBuildStateKey.size());
            out += "(X";
            for (int b = 0; b < 4; ++b)
                out += static_cast<char>((length >> (8 * b)) & 0xff);
            out += kBuildStateKey;
        }
        if (edits->drop[i]) continue;
        if (edits->toDict[i])
            out += '}';
        else if (edits->toSetItems[i])
            out += 'u';
        else
            out.append(program, (*ops)[i].begin, (*ops)[i].end - (*ops)[i].begin);
    }
    return out;
}

} // namespace

void checkWeightsFileHolds(const std::string& path, std::int64_t parameters, const std::string& configSource) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return;
    const std::int64_t needed = 2 * parameters;
    if (info.st_size < needed) {
        throw InputError(io::oneLine(path) + ": " + io::byteSizeText(info.st_size) + " cannot hold the " +
                         std::to_string(parameters) + " weights that " + io::oneLine(configSource) +
                         "'s model_config describes (at least " + io::byteSizeText(needed) +
                         "): the config or the file is wrong");
    }
}

void checkFiniteWeights(const StateDict& weights, const std::string& source) {
    for (const auto& [name, tensor] : weights) {
        if (!tensor.is_floating_point() || tensor.numel() == 0) continue;
        const at::Tensor bad = tensor.isfinite().logical_not().flatten().nonzero();
        if (bad.size(0) == 0) continue;
        const std::int64_t index = bad[0].item<std::int64_t>();
        const double value = tensor.flatten()[index].item<double>();
        throw InputError(io::oneLine(source) + ": weight '" + io::oneLine(name, 200) + "' holds " +
                         (std::isnan(value) ? "NaN"
                          : value > 0       ? "Inf"
                                            : "-Inf") +
                         " at element " + std::to_string(index) + " (0-based, of " + std::to_string(tensor.numel()) +
                         "): the model's outputs would be NaN");
    }
}

std::string tensorShapeText(at::IntArrayRef sizes) {
    std::ostringstream text;
    text << '[';
    for (std::size_t i = 0; i < sizes.size(); ++i)
        text << (i ? "," : "") << sizes[i];
    text << ']';
    return text.str();
}

StateDict stateDict(const torch::nn::Module& module) {
    StateDict out;
    collect(module, "", out);
    return out;
}

StateDict readStateDict(const std::string& path) {
    // Every storage and tensor view checked against the file before LibTorch trusts them (and a pipe refused).
    checkTorchArchive(path);
    c10::IValue value;
    try {
        // What torch::pickle_load does (a torch.save zip: data.pkl + one record per storage), with the pickle
        // program rewritten by withPlainDicts first.
        caffe2::serialize::PyTorchStreamReader zip(path);
        const auto [pickleData, pickleSize] = zip.getRecord("data.pkl");
        const std::string program = withPlainDicts(std::string(static_cast<const char*>(pickleData.get()), pickleSize));
        std::size_t readPos = 0;
        auto reader = [&](char* buffer, std::size_t size) {
            const std::size_t n = std::min(size, program.size() - readPos);
            std::memcpy(buffer, program.data() + readPos, n);
            readPos += n;
            return n;
        };
        auto readRecord = [&](const std::string& name) { return std::get<0>(zip.getRecord("data/" + name)); };
        torch::jit::Unpickler unpickler(reader, nullptr, nullptr, readRecord, at::Device(at::kCPU));
        unpickler.set_version(zip.version());
        value = unpickler.parse_ivalue();
    } catch (const c10::Error& error) {
        throw InputError(io::oneLine(path) +
                         ": not a readable torch.save file (corrupt or truncated?): " + torchErrorText(error));
    }
    if (!value.isGenericDict())
        throw InputError(io::oneLine(path) + ": expected a state_dict (a dict of name -> tensor), found " +
                         value.tagKind());
    StateDict out;
    for (const auto& entry : value.toGenericDict()) {
        if (entry.key().isString() && entry.key().toStringRef() == kBuildStateKey) continue;
        if (!entry.key().isString() || !entry.value().isTensor())
            throw InputError(path + ": expected a state_dict (a dict of name -> tensor), found an entry " +
                             entry.key().tagKind() + " -> " + entry.value().tagKind());
        out.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
    }
    checkFiniteWeights(out, path);
    return out;
}

bool isTorchSaveArchive(const std::string& path) {
    try {
        io::checkInputFile(path); // a pipe would block PyTorchStreamReader's open
    } catch (const InputError&) {
        return false; // whoever opens it next reports why
    }
    try {
        caffe2::serialize::PyTorchStreamReader zip(path);
        if (!zip.hasRecord("data.pkl") || zip.hasRecord("constants.pkl")) return false;
        for (const std::string& record : zip.getAllRecords())
            if (record.rfind("code/", 0) == 0) return false;
        return true;
    } catch (const std::exception&) {
        return false; // not a zip (or a damaged one): whoever opens it next reports why
    }
}

std::string stateDictMismatch(const torch::nn::Module& module, const StateDict& entries) {
    std::map<std::string, const at::Tensor*> given;
    for (const auto& [name, tensor] : entries)
        given[name] = &tensor;

    std::vector<std::string> missing, misShaped, unexpected;
    std::set<std::string> known;
    for (const auto& [name, target] : stateDict(module)) {
        known.insert(name);
        const auto found = given.find(name);
        if (found == given.end())
            missing.push_back(name);
        else if (!found->second->sizes().equals(target.sizes()))
            misShaped.push_back(name + " " + tensorShapeText(found->second->sizes()) + " (model " +
                                tensorShapeText(target.sizes()) + ")");
    }
    for (const auto& [name, tensor] : entries)
        if (!known.count(name)) unexpected.push_back(name);

    std::string message, separator;
    if (!missing.empty()) message += separator + nameList("missing keys", missing), separator = "; ";
    if (!unexpected.empty()) message += separator + nameList("unexpected keys", unexpected), separator = "; ";
    if (!misShaped.empty()) message += separator + nameList("mis-shaped keys", misShaped);
    return message;
}

void loadStateDict(torch::nn::Module& module, const StateDict& entries, const std::string& sourceName) {
    const std::string mismatch = stateDictMismatch(module, entries);
    if (!mismatch.empty()) throw InputError(sourceName + ": state_dict does not fit the model: " + mismatch);
    // Checked everything first, so a failed load leaves the module as it was.
    std::map<std::string, const at::Tensor*> given;
    for (const auto& [name, tensor] : entries)
        given[name] = &tensor;
    torch::NoGradGuard noGrad;
    for (const auto& [name, target] : stateDict(module)) {
        at::Tensor mutableTarget = target;
        mutableTarget.copy_(*given.at(name));
    }
}

void loadStateDict(torch::nn::Module& module, const std::string& path) {
    loadStateDict(module, readStateDict(path), path);
}

std::string stateDictBytes(const torch::nn::Module& module) {
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& [name, tensor] : stateDict(module))
        dict.insert(name, tensor.detach());
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    return std::string(bytes.begin(), bytes.end());
}

void saveStateDict(const torch::nn::Module& module, const std::string& path) {
    io::writeFileAtomically(path, stateDictBytes(module));
}

} // namespace codescope::models
