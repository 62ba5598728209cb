// codescope-cli: the command-line face of the Codescope core. Every subcommand calls the same core functions as
// the GUI; this file only dispatches and turns errors into one stderr line and an exit code.
#include <cstdio>
#include <exception>
#include <memory>
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
#include "app/mpi/launched_job.h"
#include "core/common/input_error.h"
#include "core/common/memory_reuse.h"
#include "core/distributed/communicator.h"
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
// Under an MPI launcher every rank meets the same error (the failures of one rank are agreed on by all, see
// distributed::agree); rank 0 alone prints it.
bool g_printsErrors = true;
// Set for a failure every rank threw together (distributed::RankFailure): no rank waits in a collective for another.
bool g_agreedFailure = false;

int fail(const std::string& message) {
    if (g_printsErrors) std::fprintf(stderr, "codescope-cli: error: %s\n", codescope::io::oneLine(message).c_str());
    return 2;
}

int failInternally(const std::string& what) {
    // A bug of ours; its first line only, so that a LibTorch backtrace does not flood the terminal.
    if (g_printsErrors)
        std::fprintf(stderr, "codescope-cli: internal error: %s\n",
                     codescope::io::oneLine(what.substr(0, what.find('\n'))).c_str());
    return 1;
}

bool contains(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}

// Runs one command; every error becomes one stderr line and an exit code.
int runCommand(const std::string& command, const std::vector<std::string>& rest,
               codescope::distributed::Communicator* world) {
    try {
        if (command == "--help" || command == "-h" || command == "help") {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (command == "--version") {
            std::printf("codescope-cli %s\n", CODESCOPE_VERSION);
            return 0;
        }
        if (command == "analyze") return codescope::cli::runAnalyzeCommand(rest, world);
        if (command == "eigenfilters") return codescope::cli::runEigenfiltersCommand(rest, world);
        if (command == "trajectories") return codescope::cli::runTrajectoriesCommand(rest, world);
        // The other commands would each run whole on every rank and write the same files.
        if (world->size() > 1)
            return fail("'" + command +
                        "' runs as one process; of the commands only analyze, eigenfilters and trajectories shard "
                        "over MPI ranks (run it without mpirun or srun)");
        if (command == "spectrum") return codescope::cli::runSpectrumCommand(rest);
        if (command == "demo") return codescope::cli::runDemoCommand(rest);
        if (command == "layers") return codescope::cli::runLayersCommand(rest);
        if (command == "theory") return codescope::cli::runTheoryCommand(rest);
        if (command == "toy-superposition") return codescope::cli::runToySuperpositionCommand(rest);
        if (command == "report") return codescope::cli::runReportCommand(rest);
        if (command == "train") return codescope::cli::runTrainCommand(rest);
        if (command == "mine") return codescope::cli::runMineCommand(rest);
        if (command == "explain") return codescope::cli::runExplainCommand(rest);
        return fail("unknown command '" + command + "' (try codescope-cli --help)");
    } catch (const codescope::distributed::RankFailure& error) {
        g_agreedFailure = true;
        return error.input() ? fail(error.what()) : failInternally(error.what());
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
        return failInternally(what);
    }
}

} // namespace

int main(int argc, char** argv) {
    codescope::keepFreedMemoryForReuse();
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fputs(kHelp, stderr);
        return 2;
    }
    // MPI is initialised only when a launcher started several processes; a plain run is this process alone.
    std::unique_ptr<codescope::distributed::Communicator> world;
    try {
        world = codescope::mpi::joinLaunchedJob();
    } catch (const codescope::InputError& error) {
        return fail(error.what());
    }
    g_printsErrors = world->rank() == 0;
    const int code = runCommand(args[0], std::vector<std::string>(args.begin() + 1, args.end()), world.get());
    if (code != 0 && !g_agreedFailure) codescope::mpi::settleAfterError(code);
    return code;
}
