#include "core/pipeline/sweep_analysis.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/program_version.h"

namespace codescope::pipeline {

std::vector<results::SweepRun> sweepRunsOfFolders(const std::vector<std::string>& folders) {
    std::vector<results::SweepRun> runs;
    for (const std::string& folder : folders) {
        results::SweepRun run;
        run.directory = folder;
        run.name = std::filesystem::path(folder).filename().string();
        run.finished = true;
        runs.push_back(std::move(run));
    }
    return runs;
}

std::vector<SweepRunAnalysis> analyzeSweepRuns(const std::vector<results::SweepRun>& runs,
                                               const AnalysisRequest& request, CacheUse cache,
                                               const AnalysisProgress& progress, const CancelToken* cancel,
                                               const SweepRunCallback& onRun, distributed::Communicator* communicator) {
    std::vector<SweepRunAnalysis> outcomes;
    const double count = static_cast<double>(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        SweepRunAnalysis outcome;
        outcome.run = runs[i];
        if (!runs[i].problem.empty()) {
            outcome.failure = runs[i].problem;
        } else {
            AnalysisRequest runRequest = request;
            runRequest.model = models::ModelSpec{};
            runRequest.model.path = runs[i].directory;
            runRequest.model.isRun = true;
            const double start = static_cast<double>(i) / count;
            try {
                outcome.analysis = analyzeModel(
                    runRequest, cache,
                    [&](double fraction, double samplesPerSecond) {
                        if (progress) progress(start + fraction / count, samplesPerSecond);
                    },
                    cancel, communicator);
            } catch (const Cancelled&) {
                throw;
            } catch (const std::exception& error) { // InputError, or a library's own error from a damaged model
                const std::string message = error.what();
                outcome.failure = message.substr(0, message.find('\n'));
            }
        }
        if (onRun) onRun(outcome);
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

std::vector<claims::PaperCheck> sweepPaperChecks(const std::vector<SweepRunAnalysis>& outcomes) {
    std::vector<claims::CheckedRun> runs;
    for (const SweepRunAnalysis& outcome : outcomes)
        if (outcome.analysis) runs.push_back({outcome.run.name, outcome.run.dropout, &outcome.analysis->report.layers});
    return claims::checkSweep(runs);
}

std::string sweepJson(const std::string& folder, const std::vector<SweepRunAnalysis>& outcomes,
                      const std::vector<claims::PaperCheck>& checks) {
    nlohmann::ordered_json json;
    json["program"] = "codescope";
    json["program_version"] = programVersion();
    json["sweep"] = folder;
    json["runs"] = nlohmann::ordered_json::array();
    for (const SweepRunAnalysis& outcome : outcomes) {
        const bool cached = outcome.analysis && !outcome.analysis->cachePath.empty();
        json["runs"].push_back({{"name", outcome.run.name},
                                {"dropout", outcome.run.dropout},
                                {"analysis", cached ? nlohmann::ordered_json(outcome.analysis->cachePath) : nullptr},
                                {"failure", outcome.analysis ? nullptr : nlohmann::ordered_json(outcome.failure)}});
    }
    json["paper_checks"] = nlohmann::ordered_json::parse(claims::paperChecksJson(checks));
    return json.dump(1) + "\n";
}

} // namespace codescope::pipeline
