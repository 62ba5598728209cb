#include "core/explain/explanations_file.h"

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/input_error.h"
#include "core/io/json_input.h"

namespace codescope::explain {

std::vector<UnitExplanation> readExplanationsJson(const std::string& path) {
    const nlohmann::json json = io::readJsonFile(path); // pipes, devices, deep nesting and huge files refused
    try {
        std::vector<UnitExplanation> units;
        for (const nlohmann::json& entry : json.at("units")) {
            UnitExplanation unit;
            unit.layer = entry.at("layer").get<std::string>();
            unit.depth = entry.at("depth").get<int>();
            unit.unit = entry.at("unit").get<std::string>();
            unit.isProjection = entry.at("is_projection").get<bool>();
            unit.explanation = entry.value("explanation", std::string());
            const nlohmann::json& score = entry.at("score");
            unit.score = score.is_null() ? std::nan("") : score.get<double>();
            const auto error = entry.find("error");
            unit.error = error == entry.end() || error->is_null() ? std::string() : error->get<std::string>();
            // Files of older versions do not say how the simulated values were read: both counts stay 0.
            const auto simulated = entry.find("simulated_tokens");
            if (simulated != entry.end()) {
                unit.expectedValueTokens = simulated->at("expected_value").get<std::size_t>();
                unit.parsedValueTokens = simulated->at("parsed_integer").get<std::size_t>();
            }
            units.push_back(std::move(unit));
        }
        return units;
    } catch (const nlohmann::json::exception& error) {
        throw InputError(path + ": not an explanations file of codescope-cli explain (" + error.what() + ")");
    }
}

std::vector<DepthScore> scoresByDepth(const std::vector<UnitExplanation>& units) {
    struct Sums {
        std::string layer;
        int depth = 0;
        bool projections = false;
        std::vector<double> scores;
    };
    std::map<std::pair<int, bool>, Sums> groups;
    for (const UnitExplanation& unit : units) {
        Sums& sums = groups[{unit.depth, unit.isProjection}];
        sums.layer = unit.layer;
        sums.depth = unit.depth;
        sums.projections = unit.isProjection;
        if (std::isfinite(unit.score)) sums.scores.push_back(unit.score);
    }
    std::vector<DepthScore> result;
    for (const auto& [key, sums] : groups) {
        if (sums.scores.empty()) continue;
        DepthScore score;
        score.layer = sums.layer;
        score.depth = sums.depth;
        score.projections = sums.projections;
        score.units = static_cast<int>(sums.scores.size());
        double total = 0;
        for (double s : sums.scores)
            total += s;
        score.mean = total / score.units;
        double squares = 0;
        for (double s : sums.scores)
            squares += (s - score.mean) * (s - score.mean);
        const double standardError = score.units > 1 ? std::sqrt(squares / (score.units - 1) / score.units) : 0.0;
        score.lo = score.mean - 1.96 * standardError;
        score.hi = score.mean + 1.96 * standardError;
        result.push_back(score);
    }
    return result;
}

} // namespace codescope::explain
