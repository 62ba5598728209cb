// codescope-cli: the command-line face of the Codescope core. Every subcommand calls the same core functions as
// the GUI; this file only dispatches and turns errors into one stderr line and an exit code.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/cli/analyze_command.h"
#include "app/cli/command_line.h"
#include "app/cli/eigenfilters_command.h"
#include "app/cli/explain_command.h"
#include "app/cli/report_command.h"
#include "app/cli/mine_command.h"
#include "app/cli/spectrum_command.h"
#include "app/cli/theory_command.h"
#include "app/cli/toy_superposition_command.h"
#include "app/cli/train_command.h"
#include "app/cli/trajectories_command.h"
#include "core/common/input_error.h"
#include "core/io/input_file.h"

namespace {

constexpr const char* kHelp = R"(usage: codescope-cli COMMAND [options]

Codescope: how a neural network codes information, layer by layer.

commands:
  spectrum   PCA eigenspectrum and power-law exponent alpha of an activation matrix (.npy)
  demo       the same analysis on generated activations with a known exponent
  layers     the capturable layers of a model (TorchScript file or trained run), in depth order
  analyze    run a model over a data set and compute every layer's spectrum, alpha and coding record
  eigenfilters  the input-space pictures of a layer's leading principal components (Fig. 3d)
  train      train the paper's ResNet-VAE once per dropout rate (resumable sweep), or a tiny language model
  trajectories  a language model's token trajectories: lowest-action random projections over a text (Fig. 7c)
  explain    explanation scores of neurons and random projections through an OpenAI-compatible API (Fig. 7b)
  report     the app's multi-page PDF report of a sweep or an analysis, without a display
  theory     the paper's closed forms: compression (eq. 1), dropout (eq. 2), zeta (eq. 4), capacity (eq. 3)
  toy-superposition  Fig. 1c: toy models of superposition, dimensions per feature next to eq. 1's R(S)
  mine       mutual information by MINE: known channels and a deep dropout MLP's layers

Run `codescope-cli COMMAND --help` for a command's options.
  --help      this text
  --version   the version
)";

// The one-line promise: whatever a message carries (a file name with a newline, a library's multi-line text), it
// is printed as one line.
int fail(const std::string& message) {
    std::fprintf(stderr, "codescope-cli: error: %s\n", codescope::io::oneLine(message).c_str());
    return 2;
}

bool contains(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fputs(kHelp, stderr);
        return 2;
    }
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (command == "--help" || command == "-h" || command == "help") {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (command == "--version") {
            std::printf("codescope-cli %s\n", CODESCOPE_VERSION);
            return 0;
        }
        if (command == "spectrum") return codescope::cli::runSpectrumCommand(rest);
        if (command == "demo") return codescope::cli::runDemoCommand(rest);
        if (command == "layers") return codescope::cli::runLayersCommand(rest);
        if (command == "analyze") return codescope::cli::runAnalyzeCommand(rest);
        if (command == "eigenfilters") return codescope::cli::runEigenfiltersCommand(rest);
        if (command == "theory") return codescope::cli::runTheoryCommand(rest);
        if (command == "toy-superposition") return codescope::cli::runToySuperpositionCommand(rest);
        if (command == "report") return codescope::cli::runReportCommand(rest);
        if (command == "train") return codescope::cli::runTrainCommand(rest);
        if (command == "mine") return codescope::cli::runMineCommand(rest);
        if (command == "trajectories") return codescope::cli::runTrajectoriesCommand(rest);
        if (command == "explain") return codescope::cli::runExplainCommand(rest);
        return fail("unknown command '" + command + "' (try codescope-cli --help)");
    } catch (const codescope::cli::UsageError& error) {
        return fail(error.what());
    } catch (const codescope::InputError& error) {
        return fail(error.what());
    } catch (const std::bad_alloc&) {
        return fail("out of memory (for an analysis, try a smaller --max-features, --max-components or "
                    "--memory-budget)");
    } catch (const std::exception& error) {
        const std::string what = error.what();
        // LibTorch reports a failed allocation as its own error type, with a C++ backtrace.
        if (contains(what, "DefaultCPUAllocator: can't allocate memory"))
            return fail("out of memory (for an analysis, try a smaller --max-features, --max-components or "
                        "--memory-budget)");
        // A bug of ours; its first line only, so that a LibTorch backtrace does not flood the terminal.
        std::fprintf(stderr, "codescope-cli: internal error: %s\n",
                     codescope::io::oneLine(what.substr(0, what.find('\n'))).c_str());
        return 1;
    }
}
