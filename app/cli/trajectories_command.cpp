// Token trajectories; --pdf prints the HTML page through Qt (offscreen), as `report` does.
#include "app/cli/trajectories_command.h"

#include <QString>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/command_line.h"
#include "app/cli/language_inputs.h"
#include "app/cli/offscreen_qt.h"
#include "core/distributed/communicator.h"
#include "core/io/atomic_file.h"
#include "core/language/token_html.h"
#include "core/pipeline/layer_jobs.h"
#include "widgets/export/figure_export.h"

namespace codescope::cli {

namespace {

const char* const kHelpHead =
    R"(usage: codescope-cli trajectories (--model FILE | --run DIR) (--text FILE | --dataset tokens:FILE.npy) [options]

Token trajectories (paper Fig. 7c): runs the language model over one stretch of text, draws K random projections
r_k ~ N(0, I/m) of each chosen layer's per-token activations, and finds the projections whose value changes most
smoothly from token to token: the lowest action 1/2 sum_t (z_{t+1} - z_t)^2 of the K draws. Prints each layer's
action (mean, sd, lowest) and writes the text with every token coloured by the projection's value.

options:
)";

const char* const kHelpTail =
    R"(  --sequence N          the first sequence of the text to show (0-based)                     [0]
  --sequences N         consecutive sequences joined into the shown stretch (each runs through the model on its
                        own, so the action includes the jumps at their borders)               [1]
  --draws K             random projections per layer                                         [1000]
  --shown N             lowest-action projections kept per layer                             [5]
  --seed N              projection k is the same direction in `explain` for the same seed     [0]
  --html FILE           the coloured text as a self-contained HTML page (atomic write)
  --pdf FILE            the same page as a PDF (atomic write)
  --json FILE           the tokens and every kept projection's values and action (atomic write)

exit status: 0 success, 2 bad input or usage (one-line error on stderr).
)";

std::string trajectoriesJson(const std::vector<language::LayerTokenTrajectories>& layers) {
    auto line = [](const language::TokenTrajectory& t) {
        return nlohmann::json{{"projection", t.projection}, {"action", t.action}, {"values", t.values}};
    };
    nlohmann::json list = nlohmann::json::array();
    for (const auto& layer : layers) {
        nlohmann::json lowest = nlohmann::json::array();
        for (const auto& t : layer.lowestAction)
            lowest.push_back(line(t));
        list.push_back({{"layer", layer.layer},
                        {"depth", layer.depth},
                        {"draws", layer.draws},
                        {"action_mean", layer.meanAction},
                        {"action_sd", layer.sdAction},
                        {"tokens", layer.tokens},
                        {"lowest_action", lowest},
                        {"typical", line(layer.typical)}});
    }
    return nlohmann::json{{"layers", list}}.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace

int runTrajectoriesCommand(const std::vector<std::string>& args, distributed::Communicator* world) {
    std::set<std::string> values(kLanguageValueOptions.begin(), kLanguageValueOptions.end());
    values.insert({"sequence", "sequences", "draws", "shown", "seed", "html", "pdf", "json"});
    const CommandLine cl(args, values, {"help"});
    if (cl.has("help")) {
        std::fputs(kHelpHead, stdout);
        std::fputs(kLanguageOptionsHelp, stdout);
        std::fputs(kHelpTail, stdout);
        return 0;
    }
    language::TokenTrajectoryOptions options;
    options.draws = static_cast<int>(cl.integer("draws", options.draws, 1, 1000000));
    options.shown = static_cast<int>(cl.integer("shown", options.shown, 1, 1000));
    options.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    const std::int64_t first = cl.integer("sequence", 0, 0, INT64_MAX);
    const std::int64_t joined = cl.integer("sequences", 1, 1, 4096);

    const pipeline::TokenTrajectoryRun run =
        pipeline::tokenTrajectoriesOf(languageRequestFromFlags(cl), first, joined, options, nullptr, world);
    if (!distributed::isRoot(world)) return 0; // sharded (mpirun, srun): rank 0 alone prints and writes
    const std::vector<language::LayerTokenTrajectories>& layers = run.layers;
    std::printf("%s on %s: %lld tokens, %d random projections per layer\n", run.model.c_str(), run.data.c_str(),
                static_cast<long long>(run.tokens), options.draws);
    std::printf("  %5s  %-28s %12s %12s %12s\n", "depth", "layer", "action mean", "action sd", "lowest");
    for (const language::LayerTokenTrajectories& layer : layers)
        std::printf("  %5d  %-28s %12.4g %12.4g %12.4g\n", layer.depth, layer.layer.c_str(), layer.meanAction,
                    layer.sdAction, layer.lowestAction.front().action);
    if (cl.has("json")) io::writeFileAtomically(cl.text("json"), trajectoriesJson(layers));
    const std::string html = language::tokenTrajectoriesHtml(layers, run.model, run.data);
    if (cl.has("html")) io::writeFileAtomically(cl.text("html"), html);
    if (cl.has("pdf")) {
        const OffscreenQtApplication qt; // QTextDocument needs a Qt application
        const widgets::ExportResult result =
            widgets::exportHtmlPdf(QString::fromStdString(html), QString::fromStdString(cl.text("pdf")));
        if (!result.ok()) throw InputError(result.error.toStdString());
    }
    return 0;
}

} // namespace codescope::cli
