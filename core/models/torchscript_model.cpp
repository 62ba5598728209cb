// TorchScript models as CapturableModel.
//
// Why not torch.jit hooks or scope names: a traced and a scripted export of the same network have different graphs,
// and after torch::jit::load neither carries scope names; the only structure both keep is the call tree of
// prim::CallMethod nodes into submodules. So the forward graph is copied and inlined here by hand, one call at a time,
// which tells exactly which nodes came from which module and which values each module returned:
//  - the dotted module path of a call is read from the chain of prim::GetAttr nodes that produced the callee module
//    value; after inlining, every such chain leads back to the root's `self` input, so the path is always complete
//    (torch::jit::Inline's InlinedCallStack only keeps the last attribute name of each call, e.g. "0" for
//    self.layer1[0]);
//  - before a submodule call is inlined, a marker node that takes the call's outputs is placed right after it; the
//    inliner rewires the marker to the values the module returned, and the marker's position records when the module
//    finished (after everything inside it), which is the order forward hooks fire in;
//  - every inlined node is tagged with the path of the module whose forward (or helper function) it came from, which
//    names functional activations "<owner>.relu#<n>", "<owner>.gelu#<n>" (relu, gelu, silu, tanh; one table).
//
// Token models (int64 input B x T): every token position is a sample, so outputs B x T x ... are captured as
// (B*T) x features and only values that start with (B, T) are layers.
// Scripted modules call F.relu(x, inplace) whose body branches on the constant `inplace`; such branches on constants
// are folded while inlining so the relu sits in the top-level block. Values defined inside a remaining branch or loop
// cannot be graph outputs and are not offered as layers.
//
// Capture: a copy of the inlined graph whose only output is a tuple of the requested values (the executor then drops
// the work after the last requested layer), run by a GraphFunction (the same executor Module::forward uses), one per
// requested layer set, cached. In a graph with in-place ops (relu_, add_) each requested value is cloned right where
// it is defined, so the capture sees what a forward hook sees, not what a later in-place op left in that memory.
#include "core/models/torchscript_model.h"

#include "core/common/input_error.h"
#include "core/io/input_file.h"
#include "core/models/state_dict_io.h"
#include "core/models/torch_archive_check.h"
#include "core/models/torch_errors.h"

#include <ATen/core/grad_mode.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/alias_analysis.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/serialization/import.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace codescope::models {
namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::GraphFunction;
using torch::jit::Node;
using torch::jit::Value;

// Marks where an inlined submodule call returned; inputs: the module's outputs; attributes: path and class name.
// Never executed: all markers are removed before a graph is run.
const c10::Symbol kModuleReturn = c10::Symbol::fromQualString("codescope::module_return");
const c10::Symbol kPathAttribute = c10::Symbol::attr("path");
const c10::Symbol kClassAttribute = c10::Symbol::attr("class_name");

/// Collapses a (possibly multi-line) torch message into one line.
std::string joinLines(const std::string& text) {
    std::string line;
    std::istringstream stream(text);
    for (std::string part; std::getline(stream, part);) {
        const auto first = part.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        const auto last = part.find_last_not_of(" \t\r");
        if (!line.empty()) line += ' ';
        line += part.substr(first, last - first + 1);
    }
    return line;
}

/// True for a line that starts with an exception class name and ": " ("RuntimeError: ...", "torch.jit.Error: ...");
/// traceback frames start with a path or with spaces, never like that.
bool startsWithErrorClass(const std::string& line) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos || colon == 0) return false;
    if (!(std::isalpha(static_cast<unsigned char>(line[0])) || line[0] == '_')) return false;
    return std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; });
}

/// The message of an exception thrown while running or loading TorchScript, as one line without C++ backtraces or
/// the interpreter's TorchScript traceback: the interpreter reports "The following operation failed ... Traceback
/// of TorchScript ... (frames: indented source for scripted code, Python "file(line): function" lines recorded by
/// the tracer) ... RuntimeError: <message>", and only the final message helps the user.
std::string torchMessage(const std::exception& error) {
    const auto* c10Error = dynamic_cast<const c10::Error*>(&error);
    std::string text = c10Error ? c10Error->what_without_backtrace() : error.what();
    const auto traceback = text.rfind("Traceback of TorchScript");
    if (traceback != std::string::npos) {
        std::istringstream stream(text.substr(traceback));
        std::string line;
        std::string message;
        while (std::getline(stream, line)) {
            if (message.empty() && !startsWithErrorClass(line)) continue;
            message += line + '\n';
        }
        static const std::string kPrefix = "RuntimeError: ";
        if (message.compare(0, kPrefix.size(), kPrefix) == 0) message.erase(0, kPrefix.size());
        if (!message.empty()) text = message;
    }
    return translateTorchText(joinLines(text));
}

std::string shapeText(const at::Tensor& tensor) {
    std::ostringstream text;
    text << tensor.sizes();
    return text.str();
}

bool isTensor(const Value* value) {
    return value->type()->isSubtypeOf(*c10::TensorType::get());
}

/// Dotted path of a module value: the attribute names of the prim::GetAttr chain from `self`; nullopt if the value
/// does not come from such a chain.
std::optional<std::string> modulePath(const Value* module, const Value* self) {
    std::vector<std::string> names;
    while (module != self) {
        const Node* node = module->node();
        if (node->kind() != c10::prim::GetAttr) return std::nullopt;
        names.push_back(node->s(c10::attr::name));
        module = node->input(0);
    }
    std::string path;
    for (auto it = names.rbegin(); it != names.rend(); ++it)
        path += (path.empty() ? "" : ".") + *it;
    return path;
}

/// True for "forward" and for the "forward1", "forward2", ... methods the tracer adds when a module runs more than
/// once in the traced forward pass (torchvision's BasicBlock calls self.relu twice).
bool isForward(const std::string& method) {
    static const std::string kForward = "forward";
    return method.compare(0, kForward.size(), kForward) == 0 &&
           std::all_of(method.begin() + static_cast<std::ptrdiff_t>(kForward.size()), method.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

/// An activation function listed as a layer wherever it runs: as a module (kind instead of the class name) or
/// functionally (F.gelu inside module M is "<M>.gelu#<n>"). One table, one code path for all of them.
struct Activation {
    const char* kind;        // LayerInfo::kind and the functional name stem
    const char* moduleClass; // the torch.nn class whose forward is this op
    c10::Symbol op, inPlaceOp;
};

const std::vector<Activation>& activations() {
    static const std::vector<Activation> table = {
        {"relu", "ReLU", c10::aten::relu, c10::aten::relu_},
        {"gelu", "GELU", c10::Symbol::fromQualString("aten::gelu"), c10::Symbol::fromQualString("aten::gelu_")},
        {"silu", "SiLU", c10::Symbol::fromQualString("aten::silu"), c10::Symbol::fromQualString("aten::silu_")},
        {"tanh", "Tanh", c10::aten::tanh, c10::aten::tanh_},
    };
    return table;
}

const Activation* activationOfOp(c10::Symbol kind) {
    for (const Activation& a : activations())
        if (kind == a.op || kind == a.inPlaceOp) return &a;
    return nullptr;
}

const Activation* activationOfModule(const std::string& className) {
    for (const Activation& a : activations())
        if (className == a.moduleClass) return &a;
    // Libraries wrap their own activation modules: Hugging Face's GPT-2 runs NewGELUActivation (a tanh formula, no
    // aten::gelu), others GELUActivation, FastGELUActivation, QuickGELUActivation, SiLUActivation. Their outputs are
    // the MLP activations a user asks for, so they get the activation's kind.
    std::string lower(className);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const Activation& a : activations())
        if (lower.find(a.kind) != std::string::npos && lower.find("activation") != std::string::npos) return &a;
    return nullptr;
}

/// Inlines the forward graph of a loaded module, keeping track of module boundaries (see the file comment).
class ForwardInliner {
public:
    explicit ForwardInliner(std::shared_ptr<Graph> graph)
        : m_graph(std::move(graph)), m_self(m_graph->inputs().at(0)) {}

    void run() { inlineRange(m_graph->nodes().front(), m_graph->return_node(), ""); }

    /// Module path whose forward (or helper) a node came from; "" for the root.
    const std::string& ownerOf(const Node* node) const { return m_owners.at(node); }

    /// Class name of the module at `path` ("Module" for the root, "" for a module whose forward never ran).
    std::string classOf(const std::string& path) const {
        const auto found = m_classes.find(path);
        return found == m_classes.end() ? std::string() : found->second;
    }

private:
    void inlineRange(Node* first, Node* end, const std::string& owner) {
        for (Node* node = first; node != end;) {
            if (node->kind() == c10::prim::CallMethod || node->kind() == c10::prim::CallFunction) {
                node = inlineCall(node, owner);
                continue;
            }
            if (node->kind() == c10::prim::If && node->input(0)->node()->kind() == c10::prim::Constant) {
                node = foldConstantIf(node);
                continue;
            }
            for (Block* block : node->blocks())
                inlineRange(block->nodes().front(), block->return_node(), owner);
            m_owners[node] = owner;
            node = node->next();
        }
    }

    /// Replaces the call by the callee's body, processes the body, and returns the node to continue with.
    Node* inlineCall(Node* call, const std::string& owner) {
        GraphFunction* callee = nullptr;
        std::string bodyOwner = owner;
        Node* marker = nullptr;
        if (call->kind() == c10::prim::CallFunction) {
            const auto functionType = call->input(0)->type()->expect<c10::FunctionType>();
            callee = torch::jit::tryToGraphFunction(*functionType->function());
            if (!callee) return skipCall(call, owner);
            call->removeInput(0);
        } else {
            const auto classType = call->input(0)->type()->cast<c10::ClassType>();
            const std::string& method = call->s(c10::attr::name);
            torch::jit::Function* function = classType ? classType->findMethod(method) : nullptr;
            callee = function ? torch::jit::tryToGraphFunction(*function) : nullptr;
            if (!callee) return skipCall(call, owner);
            const auto path = modulePath(call->input(0), m_self);
            if (path) bodyOwner = *path;
            // A module calling its own helper (torchvision's ResNet.forward -> self._forward_impl) is not a layer;
            // neither is a helper method of a submodule, which forward hooks would not see either.
            if (path && *path != owner && isForward(method)) {
                const std::string className = classType->name() ? classType->name()->name() : "Module";
                m_classes.emplace(*path, className);
                marker = m_graph->create(kModuleReturn, call->outputs(), 0);
                marker->s_(kPathAttribute, *path);
                marker->s_(kClassAttribute, className);
                marker->insertAfter(call);
            }
        }
        Node* before = call->prev();
        Node* after = call->next();
        torch::jit::inlineCallTo(call, callee, callee->graph().get());
        inlineRange(before->next(), after, bodyOwner);
        return after;
    }

    Node* skipCall(Node* call, const std::string& owner) {
        m_owners[call] = owner;
        return call->next();
    }

    /// Moves the taken branch of an `if` on a constant in front of it and deletes the `if`; returns the first moved
    /// node (or what followed the `if`), so the moved nodes are processed next.
    static Node* foldConstantIf(Node* ifNode) {
        const bool condition = torch::jit::toIValue(ifNode->input(0))->toBool();
        Block* taken = ifNode->blocks().at(condition ? 0 : 1);
        Node* before = ifNode->prev();
        for (auto it = taken->nodes().begin(); it != taken->nodes().end();) {
            Node* moved = *it;
            ++it;
            moved->moveBefore(ifNode);
        }
        for (size_t i = 0; i < ifNode->outputs().size(); ++i)
            ifNode->output(i)->replaceAllUsesWith(taken->outputs().at(i));
        ifNode->destroy();
        return before->next();
    }

    std::shared_ptr<Graph> m_graph;
    Value* m_self;
    std::unordered_map<const Node*, std::string> m_owners;
    std::map<std::string, std::string> m_classes{{"", "Module"}};
};

void removeMarkers(Block* block) {
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* node = *it;
        ++it;
        if (node->kind() == kModuleReturn) {
            node->destroy();
            continue;
        }
        for (Block* inner : node->blocks())
            removeMarkers(inner);
    }
}

/// Where a layer's value lives in the inlined graph, as positions (Value pointers do not survive Graph::copy).
struct ValueLocation {
    int node = -1;          // index among the top-level nodes; -1: a graph input
    std::size_t output = 0; // output index of that node, or input index of the graph
};

struct Candidate {
    std::string name;
    std::string kind;
    ValueLocation location;
};

class TorchScriptModel : public CapturableModel {
public:
    TorchScriptModel(std::string path, torch::jit::Module module)
        : m_path(std::move(path)), m_module(std::move(module)) {
        m_module.eval();
        analyseForward();
    }

    std::vector<LayerInfo> discoverLayers(const at::Tensor& exampleInput) override {
        std::vector<std::size_t> all(m_candidates.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            all[i] = i;
        const std::vector<at::Tensor> outputs = run(exampleInput, all);
        const int sampleDims = sampleDimensions(exampleInput);
        std::vector<LayerInfo> layers;
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            // A scalar has no per-sample values, and for token input a value not shaped (B, T, ...) has none per
            // token (attention maps B x H x T x T, the pooled output): nothing to capture.
            if (!hasSampleRows(outputs[i], exampleInput)) continue;
            LayerInfo layer;
            layer.name = m_candidates[i].name;
            layer.kind = m_candidates[i].kind;
            layer.depth = static_cast<int>(layers.size());
            const auto sizes = outputs[i].sizes();
            layer.shape.assign(sizes.begin() + sampleDims, sizes.end());
            layers.push_back(std::move(layer));
        }
        return layers;
    }

    std::vector<at::Tensor> capture(const at::Tensor& input, const std::vector<std::string>& layers) override {
        std::vector<std::size_t> indices;
        indices.reserve(layers.size());
        for (const std::string& layer : layers) {
            const auto found = m_indexByName.find(layer);
            if (found == m_indexByName.end())
                throw InputError(m_path + ": no layer named '" + layer + "' in the model");
            indices.push_back(found->second);
        }
        std::vector<at::Tensor> outputs = run(input, indices);
        const bool tokens = sampleDimensions(input) == 2;
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            if (!hasSampleRows(outputs[i], input))
                throw InputError(m_path + ": layer '" + layers[i] + "' gives " + shapeText(outputs[i]) + " for input " +
                                 shapeText(input) + ", not values per " + (tokens ? "token (B, T, ...)" : "sample"));
            const std::int64_t rows = tokens ? outputs[i].size(0) * outputs[i].size(1) : outputs[i].size(0);
            outputs[i] = outputs[i].reshape({rows, -1}).to(at::kFloat).contiguous();
        }
        return outputs;
    }

    std::string name() const override { return m_path; }

private:
    /// Leading dimensions of an output that index samples: 2 (B, T) for token ids (an integer B x T input), else 1.
    static int sampleDimensions(const at::Tensor& input) {
        return input.dim() == 2 && at::isIntegralType(input.scalar_type(), /*includeBool=*/false) ? 2 : 1;
    }

    /// Whether `output` holds values per sample of `input`: it starts with (B) for images, (B, T) for tokens.
    static bool hasSampleRows(const at::Tensor& output, const at::Tensor& input) {
        const int dims = sampleDimensions(input);
        if (output.dim() < dims || output.dim() == 0) return false;
        if (dims == 1) return true;
        return output.size(0) == input.size(0) && output.size(1) == input.size(1);
    }

    void analyseForward() {
        const auto forward = m_module.find_method("forward");
        if (!forward) throw InputError(m_path + ": the TorchScript module has no forward method");
        m_graph = forward->graph()->copy();
        if (m_graph->inputs().size() != 2)
            throw InputError(m_path + ": forward takes " + std::to_string(m_graph->inputs().size() - 1) +
                             " inputs; only models with one tensor input are supported");
        ForwardInliner inliner(m_graph);
        inliner.run();
        const std::vector<const Value*> values = collectCandidates(inliner);
        removeMarkers(m_graph->block());

        std::unordered_map<const Value*, ValueLocation> locations;
        for (std::size_t i = 0; i < m_graph->inputs().size(); ++i)
            locations[m_graph->inputs()[i]] = ValueLocation{-1, i};
        int index = 0;
        for (const Node* node : m_graph->nodes()) {
            for (std::size_t i = 0; i < node->outputs().size(); ++i)
                locations[node->output(i)] = ValueLocation{index, i};
            ++index;
        }
        for (std::size_t i = 0; i < m_candidates.size(); ++i) {
            m_candidates[i].location = locations.at(values[i]);
            m_indexByName.emplace(m_candidates[i].name, i);
        }
    }

    /// Walks the top-level nodes in execution order and names every module return and functional activation; fills
    /// m_candidates without locations and returns each candidate's value.
    std::vector<const Value*> collectCandidates(const ForwardInliner& inliner) {
        std::vector<const Value*> values;
        std::map<std::string, int> moduleCalls;
        std::map<std::string, int> functionalCalls; // per "<owner>.<kind>"
        std::set<std::string> taken;
        // "<base>#<number>" (just "<base>" for number 1 when plainFirst), with the number raised until the name is
        // free: a functional relu "M.relu#2" and the 2nd call of a submodule at path "M.relu" would otherwise clash.
        const auto claimName = [&taken](const std::string& base, int& number, bool plainFirst) {
            for (;; ++number) {
                std::string name = plainFirst && number == 1 ? base : base + "#" + std::to_string(number);
                if (taken.insert(name).second) return name;
            }
        };

        for (Node* node : m_graph->nodes()) {
            if (node->kind() == kModuleReturn) {
                const std::string path = node->s(kPathAttribute);
                const std::string className = node->s(kClassAttribute);
                int& call = moduleCalls[path];
                ++call;
                // Modules returning tuples or other non-tensors have no activation to capture; the tracer also
                // records a module that returns its input unchanged (nn.Identity) as a call returning None.
                if (node->inputs().size() != 1 || !isTensor(node->input(0))) continue;
                const Activation* activation = activationOfModule(className);
                m_candidates.push_back({claimName(path, call, true), activation ? activation->kind : className, {}});
                values.push_back(node->input(0));
            } else if (const Activation* activation = activationOfOp(node->kind())) {
                const std::string& owner = inliner.ownerOf(node);
                // The ops inside an nn.ReLU / nn.GELU / NewGELUActivation ... module make that module's output,
                // listed under its name (a tanh inside a GELU formula is not a layer of its own).
                if (activationOfModule(inliner.classOf(owner))) continue;
                const std::string base = owner.empty() ? activation->kind : owner + "." + activation->kind;
                int& number = functionalCalls[base];
                ++number;
                m_candidates.push_back({claimName(base, number, false), activation->kind, {}});
                values.push_back(node->output());
            }
        }
        return values;
    }

    /// Runs the model once and returns the requested candidates' outputs, unflattened.
    std::vector<at::Tensor> run(const at::Tensor& input, const std::vector<std::size_t>& indices) {
        if (!input.defined()) throw InputError(m_path + ": the model was given an undefined input tensor");
        auto& function = m_captureFunctions[indices];
        if (!function) function = buildCaptureFunction(indices);
        at::NoGradGuard noGrad;
        torch::jit::Stack stack{m_module._ivalue(), input};
        try {
            function->run(stack);
        } catch (const std::exception& error) {
            throw InputError(m_path + ": the model rejects an input of shape " + shapeText(input) + ": " +
                             torchMessage(error));
        }
        const auto elements = stack.at(0).toTuple()->elements();
        std::vector<at::Tensor> outputs;
        outputs.reserve(elements.size());
        for (const c10::IValue& element : elements)
            outputs.push_back(element.toTensor());
        return outputs;
    }

    /// A copy of the inlined graph that returns a tuple of the requested values and nothing else.
    std::unique_ptr<GraphFunction> buildCaptureFunction(const std::vector<std::size_t>& indices) const {
        std::shared_ptr<Graph> graph = m_graph->copy();
        const std::vector<Node*> nodes(graph->nodes().begin(), graph->nodes().end());
        std::vector<Value*> values;
        values.reserve(indices.size());
        for (const std::size_t index : indices) {
            const ValueLocation& location = m_candidates[index].location;
            values.push_back(location.node < 0 ? graph->inputs().at(location.output)
                                               : nodes.at(location.node)->output(location.output));
        }
        while (!graph->outputs().empty())
            graph->eraseOutput(0);

        // Without any in-place op the values cannot change after they are computed. With one, every value is
        // copied, not only those AliasDb says are written to: ops such as aten::dropout in eval mode return their
        // input at run time without an alias annotation, so a later relu_ can reach a value AliasDb thinks is safe.
        if (!hasInPlaceWrites(graph)) return makeCaptureFunction(graph, values);
        std::map<Value*, Value*> copies; // one clone per value, even if a layer is requested twice
        for (std::size_t i = 0; i < values.size(); ++i) {
            Value*& copy = copies[values[i]];
            if (!copy) {
                Node* next =
                    values[i]->node()->kind() == c10::prim::Param ? graph->nodes().front() : values[i]->node()->next();
                torch::jit::WithInsertPoint insertPoint(next);
                copy = graph->insert(c10::aten::clone, {values[i]});
            }
            values[i] = copy;
        }
        return makeCaptureFunction(graph, values);
    }

    static bool hasInPlaceWrites(const std::shared_ptr<Graph>& graph) {
        torch::jit::AliasDb aliasDb(graph);
        return containsMutation(graph->block(), aliasDb);
    }

    static bool containsMutation(Block* block, torch::jit::AliasDb& aliasDb) {
        for (Node* node : block->nodes()) {
            if (aliasDb.isMutable(node)) return true;
            for (Block* inner : node->blocks())
                if (containsMutation(inner, aliasDb)) return true;
        }
        return false;
    }

    /// Makes `values` the graph's only output (one tuple) and wraps the graph for execution.
    static std::unique_ptr<GraphFunction> makeCaptureFunction(const std::shared_ptr<Graph>& graph,
                                                              const std::vector<Value*>& values) {
        Node* tuple = graph->createTuple(values);
        graph->appendNode(tuple);
        graph->registerOutput(tuple->output());
        return std::make_unique<GraphFunction>("codescope_capture", graph, nullptr);
    }

    std::string m_path;
    torch::jit::Module m_module;
    std::shared_ptr<Graph> m_graph;      // forward, inlined, markers removed; input 0 is the module itself
    std::vector<Candidate> m_candidates; // execution order
    std::unordered_map<std::string, std::size_t> m_indexByName;
    // Executors keep their optimised plans, so each requested layer set is built once.
    std::map<std::vector<std::size_t>, std::unique_ptr<GraphFunction>> m_captureFunctions;
};

} // namespace

namespace {
/// The module's parameters and buffers, checked for NaN and Inf (see checkFiniteWeights).
void checkModuleWeights(const torch::jit::Module& module, const std::string& path) {
    StateDict weights;
    for (const auto& parameter : module.named_parameters(/*recurse=*/true))
        weights.emplace_back(parameter.name, parameter.value);
    for (const auto& buffer : module.named_buffers(/*recurse=*/true))
        weights.emplace_back(buffer.name, buffer.value);
    checkFiniteWeights(weights, path);
}
} // namespace

std::unique_ptr<CapturableModel> loadTorchScriptModel(const std::string& path) {
    const std::string notArchive = io::oneLine(path) + ": not a TorchScript archive (";
    try {
        // A pipe, a device or a folder is refused before LibTorch opens the path (it would block or read forever),
        // and every storage and tensor view is checked against the archive's records: LibTorch does not.
        checkTorchArchive(path);
    } catch (const InputError& error) {
        const std::string what = error.what();
        const std::string prefix = io::oneLine(path) + ": ";
        throw InputError(notArchive + (what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what) + ")");
    }
    torch::jit::Module module;
    try {
        module = torch::jit::load(path, c10::Device(c10::kCPU));
    } catch (const std::exception& error) {
        throw InputError(notArchive + torchMessage(error) + ")");
    }
    checkModuleWeights(module, path);
    try {
        return std::make_unique<TorchScriptModel>(path, std::move(module));
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& error) {
        // A graph shape the inliner did not expect: report it against the file rather than as a torch internal error.
        throw InputError(path + ": cannot analyse the model's forward graph (" + torchMessage(error) + ")");
    }
}

} // namespace codescope::models
