// The Huber line fit against scikit-learn 1.2's HuberRegressor() (tests/data/huber_cases.json, written by
// tests/data/make_huber_cases.py) and against properties of its objective.
#include "core/spectrum/huber_regression.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using codescope::spectrum::fitHuberLine;
using codescope::spectrum::HuberFit;
using codescope::spectrum::huberObjective;
using codescope::spectrum::HuberOptions;

struct SklearnCase {
    std::string name;
    std::string kind;
    Eigen::VectorXd x;
    Eigen::VectorXd y;
    double coef = 0;
    double intercept = 0;
    double scale = 0;
};

Eigen::VectorXd toVector(const nlohmann::json& values) {
    const auto v = values.get<std::vector<double>>();
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::vector<SklearnCase> loadCases() {
    const std::string path = std::string(CODESCOPE_TEST_DATA_DIR) + "/huber_cases.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    const nlohmann::json doc = nlohmann::json::parse(in);
    std::vector<SklearnCase> cases;
    for (const auto& c : doc.at("cases")) {
        SklearnCase s;
        s.name = c.at("name").get<std::string>();
        s.kind = c.at("kind").get<std::string>();
        s.x = toVector(c.at("x"));
        s.y = toVector(c.at("y"));
        s.coef = c.at("coef").get<double>();
        s.intercept = c.at("intercept").get<double>();
        s.scale = c.at("scale").get<double>();
        cases.push_back(std::move(s));
    }
    return cases;
}

const SklearnCase& findCase(const std::vector<SklearnCase>& cases, const std::string& name) {
    for (const auto& c : cases)
        if (c.name == name) return c;
    throw std::runtime_error("no case " + name + " in huber_cases.json");
}

TEST(HuberRegression, MatchesScikitLearnOnEveryCase) {
    const auto cases = loadCases();
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const HuberFit fit = fitHuberLine(c.x, c.y);
        EXPECT_TRUE(fit.converged);
        EXPECT_GT(fit.iterations, 0);
        EXPECT_LE(fit.iterations, HuberOptions{}.maxIterations);
        if (c.kind == "fit") {
            EXPECT_NEAR(fit.slope, c.coef, 1e-4);
            EXPECT_NEAR(fit.intercept, c.intercept, 1e-3);
            // sklearn stops at a gradient of 1e-5, so its scale is only close where the scale is not tiny; on
            // exact lines it creeps towards 0 and stops early, while the true minimiser sits on the bound.
            if (c.scale > 1e-6)
                EXPECT_NEAR(fit.scale, c.scale, 1e-3 * c.scale);
            else
                EXPECT_LE(fit.scale, c.scale);
        } else {
            // Constant x: only the prediction at that x is pinned down; the penalty puts the slope at 0.
            ASSERT_EQ(c.kind, "constant");
            EXPECT_NEAR(fit.slope, 0.0, 1e-12);
            EXPECT_NEAR(fit.slope * c.x[0] + fit.intercept, c.coef * c.x[0] + c.intercept, 1e-3);
        }
        EXPECT_GE(fit.scale, 10.0 * std::numeric_limits<double>::epsilon());
    }
}

TEST(HuberRegression, ObjectiveAtOurSolutionIsNoWorseThanScikitLearns) {
    for (const auto& c : loadCases()) {
        SCOPED_TRACE(c.name);
        const HuberFit fit = fitHuberLine(c.x, c.y);
        const double ours = huberObjective(c.x, c.y, fit.slope, fit.intercept, fit.scale);
        const double theirs = huberObjective(c.x, c.y, c.coef, c.intercept, c.scale);
        EXPECT_LE(ours, theirs + 1e-9 * std::abs(theirs));
    }
}

TEST(HuberRegression, SolutionIsALocalMinimumOfTheObjective) {
    // Convexity makes a local minimum global; probe each coordinate both ways with relative steps.
    for (const auto& c : loadCases()) {
        SCOPED_TRACE(c.name);
        const HuberFit fit = fitHuberLine(c.x, c.y);
        const double best = huberObjective(c.x, c.y, fit.slope, fit.intercept, fit.scale);
        const double tolerance = 1e-12 * std::abs(best);
        for (double h : {1e-6, -1e-6, 1e-4, -1e-4}) {
            const double dw = h * (1.0 + std::abs(fit.slope));
            const double dc = h * (1.0 + std::abs(fit.intercept));
            EXPECT_GE(huberObjective(c.x, c.y, fit.slope + dw, fit.intercept, fit.scale), best - tolerance);
            EXPECT_GE(huberObjective(c.x, c.y, fit.slope, fit.intercept + dc, fit.scale), best - tolerance);
            const double sigma = fit.scale * (1.0 + h);
            EXPECT_GE(huberObjective(c.x, c.y, fit.slope, fit.intercept, sigma), best - tolerance);
        }
    }
}

TEST(HuberRegression, ExactLineRecoversItsSlope) {
    const auto cases = loadCases();
    const SklearnCase& c = findCase(cases, "clean_line");
    const HuberFit fit = fitHuberLine(c.x, c.y);
    EXPECT_TRUE(fit.converged);
    EXPECT_LT(std::abs(fit.slope + 1.3), 1e-3);
    EXPECT_NEAR(fit.slope, c.coef, 1e-4);
    EXPECT_NEAR(fit.intercept, 2.0, 1e-6);
    // All residuals vanish, so L = n*sigma + alpha*w^2 falls all the way to sklearn's bound on sigma (2.2e-15);
    // rounding of the residuals (~1e-16) may stop it a few ulps of y short.
    EXPECT_LT(fit.scale, 1e-14);
}

TEST(HuberRegression, ShiftingYMovesOnlyTheIntercept) {
    const auto cases = loadCases();
    const SklearnCase& c = findCase(cases, "outliers_plus5");
    const HuberFit base = fitHuberLine(c.x, c.y);
    const Eigen::VectorXd shifted = c.y.array() + 1000.0;
    const HuberFit moved = fitHuberLine(c.x, shifted);
    EXPECT_TRUE(moved.converged);
    EXPECT_NEAR(moved.slope, base.slope, 1e-9);
    EXPECT_NEAR(moved.intercept, base.intercept + 1000.0, 1e-8);
    EXPECT_NEAR(moved.scale, base.scale, 1e-9 * base.scale);
}

TEST(HuberRegression, OutliersDoNotMoveTheSlopeMuch) {
    // Shifting 6 of 41 points by +5 changes a least-squares slope a lot; the Huber slope stays near the truth.
    const auto cases = loadCases();
    const SklearnCase& c = findCase(cases, "outliers_plus5");
    const HuberFit fit = fitHuberLine(c.x, c.y);
    EXPECT_NEAR(fit.slope, -1.0, 0.05);
}

TEST(HuberRegression, ThreePointsWithOneOffTheLine) {
    // Two points on y = 2x - 1 and the middle one off it. As sigma -> 0 the line goes through the outer two with
    // residuals r = +-(eps/2)*sigma balancing the outlier's pull, so dL/dsigma -> 3 - 1*eps^2 - 2*(eps/2)^2 > 0
    // and sigma falls to its bound (up to rounding: residuals of a few ulps are then comparable to sigma).
    const Eigen::Vector3d x(1.0, 2.0, 3.0);
    const Eigen::Vector3d y(1.0, 2.0, 5.0);
    const HuberFit fit = fitHuberLine(x, y);
    EXPECT_TRUE(fit.converged);
    EXPECT_NEAR(fit.slope, 2.0, 1e-9);
    EXPECT_NEAR(fit.intercept, -1.0, 1e-9);
    EXPECT_LT(fit.scale, 1e-14);
}

TEST(HuberRegression, ZeroPenaltyWithConstantXStillConverges) {
    // alpha = 0 leaves the slope free when x is constant; the fit must neither blow up nor move it.
    const Eigen::VectorXd x = Eigen::VectorXd::Constant(5, 2.0);
    Eigen::VectorXd y(5);
    y << 1.0, 1.1, 0.9, 1.05, 4.0;
    HuberOptions options;
    options.alpha = 0.0;
    const HuberFit fit = fitHuberLine(x, y, options);
    EXPECT_TRUE(fit.converged);
    EXPECT_TRUE(std::isfinite(fit.slope));
    EXPECT_TRUE(std::isfinite(fit.intercept));
    EXPECT_GT(fit.scale, 0.0);
}

TEST(HuberRegression, ObjectiveMatchesHandComputedValue) {
    // r = (0, 1, -3) with w = 1, c = 0, sigma = 1, eps = 1.35: 0 + 1 + (2*1.35*3 - 1.35^2), plus n*sigma and alpha.
    const Eigen::Vector3d x(0.0, 1.0, 2.0);
    const Eigen::Vector3d y(0.0, 2.0, -1.0);
    const double expected = 3.0 + 0.0 + 1.0 + (2.0 * 1.35 * 3.0 - 1.35 * 1.35) + 1e-4;
    EXPECT_NEAR(huberObjective(x, y, 1.0, 0.0, 1.0), expected, 1e-12);
}

TEST(HuberRegression, RejectsBadInput) {
    const Eigen::Vector3d x(1.0, 2.0, 3.0);
    const Eigen::Vector2d y2(1.0, 2.0);
    EXPECT_THROW(fitHuberLine(x, y2), std::invalid_argument);
    const Eigen::VectorXd one = Eigen::VectorXd::Constant(1, 1.0);
    EXPECT_THROW(fitHuberLine(one, one), std::invalid_argument);
    EXPECT_THROW(fitHuberLine(Eigen::VectorXd(), Eigen::VectorXd()), std::invalid_argument);
    Eigen::Vector3d withNan(1.0, std::nan(""), 3.0);
    EXPECT_THROW(fitHuberLine(x, withNan), std::invalid_argument);
    EXPECT_THROW(fitHuberLine(withNan, x), std::invalid_argument);
    const Eigen::Vector3d withInf(1.0, std::numeric_limits<double>::infinity(), 3.0);
    EXPECT_THROW(fitHuberLine(x, withInf), std::invalid_argument);
    HuberOptions badEpsilon;
    badEpsilon.epsilon = 0.5;
    EXPECT_THROW(fitHuberLine(x, x, badEpsilon), std::invalid_argument);
    EXPECT_THROW(huberObjective(x, y2, 1.0, 0.0, 1.0), std::invalid_argument);
    EXPECT_THROW(huberObjective(x, x, 1.0, 0.0, 0.0), std::invalid_argument);
}

} // namespace
