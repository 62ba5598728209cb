// Spearman's rho with ties and its one-sided p-values against SciPy 1.10 (tests/data/spearman_cases.json, written by
// tests/data/make_spearman_cases.py: exact permutation p up to 8 pairs, spearmanr's t approximation beyond) and
// against values worked out by hand.
#include "core/claims/rank_correlation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace {

using codescope::claims::averageRanks;
using codescope::claims::RankCorrelation;
using codescope::claims::smallestOneSidedP;
using codescope::claims::spearman;
using codescope::claims::studentTUpperTail;

TEST(RankCorrelation, TiesGetTheAverageOfTheirRanks) {
    EXPECT_EQ(averageRanks({3, 1, 3}), (std::vector<double>{2.5, 1, 2.5}));
    EXPECT_EQ(averageRanks({5, 5, 5, 1}), (std::vector<double>{3, 3, 3, 1}));
    EXPECT_EQ(averageRanks({0.4, 0.1, 0.2}), (std::vector<double>{3, 1, 2}));
}

TEST(RankCorrelation, MatchesScipyOnEveryCase) {
    std::ifstream in(std::string(CODESCOPE_TEST_DATA_DIR) + "/spearman_cases.json");
    ASSERT_TRUE(in) << "tests/data/spearman_cases.json is missing";
    const nlohmann::json doc = nlohmann::json::parse(in);
    ASSERT_GE(doc.at("cases").size(), 8u);
    for (const nlohmann::json& c : doc.at("cases")) {
        SCOPED_TRACE(c.at("name").get<std::string>());
        const RankCorrelation r = spearman(c.at("x").get<std::vector<double>>(), c.at("y").get<std::vector<double>>());
        EXPECT_NEAR(r.rho, c.at("rho").get<double>(), 1e-12);
        EXPECT_EQ(r.exact, c.at("method").get<std::string>() == "exact");
        // Exact p-values are fractions of the orderings: equal to rounding. The t tail's continued fraction: 1e-10.
        EXPECT_NEAR(r.pLess, c.at("p_less").get<double>(), 1e-10);
        EXPECT_NEAR(r.pGreater, c.at("p_greater").get<double>(), 1e-10);
    }
}

TEST(RankCorrelation, APerfectFallOfFiveIsOneOrderingIn120) {
    const RankCorrelation r = spearman({0, 0.2, 0.4, 0.6, 0.8}, {-0.5, -0.7, -0.9, -1.1, -1.6});
    EXPECT_DOUBLE_EQ(r.rho, -1);
    EXPECT_NEAR(r.pLess, 1.0 / 120, 1e-15);
    EXPECT_DOUBLE_EQ(r.pGreater, 1); // every ordering has rho >= -1
}

TEST(RankCorrelation, ThreePairsCannotReachFivePercent) {
    // 3! = 6 orderings: the best one-sided p is 1/6, whatever the values.
    EXPECT_NEAR(smallestOneSidedP({1, 2, 3}, {9, 4, 7}, true), 1.0 / 6, 1e-15);
    EXPECT_NEAR(smallestOneSidedP({1, 2, 3}, {9, 4, 7}, false), 1.0 / 6, 1e-15);
    // Two groups of 2 and 2 (a binary x): the best split is 1 of C(4, 2) = 6 distinct orderings.
    EXPECT_NEAR(smallestOneSidedP({0, 0, 1, 1}, {3, 1, 2, 4}, true), 1.0 / 6, 1e-15);
}

TEST(RankCorrelation, ConstantOrTooShortHasNoP) {
    const RankCorrelation constant = spearman({1, 2, 3, 4}, {2, 2, 2, 2});
    EXPECT_TRUE(std::isnan(constant.rho));
    EXPECT_TRUE(std::isnan(constant.pLess));
    const RankCorrelation two = spearman({1, 2}, {1, 2});
    EXPECT_DOUBLE_EQ(two.rho, 1);
    EXPECT_TRUE(std::isnan(two.pGreater));
    EXPECT_THROW(spearman({1, 2, 3}, {1, 2}), std::invalid_argument);
}

TEST(RankCorrelation, StudentTailMatchesClosedForms) {
    EXPECT_NEAR(studentTUpperTail(0, 7), 0.5, 1e-15);
    EXPECT_NEAR(studentTUpperTail(1, 1), 0.25, 1e-14); // Cauchy: 1/2 - atan(1)/pi
    EXPECT_NEAR(studentTUpperTail(-1, 1), 0.75, 1e-14);
    EXPECT_NEAR(studentTUpperTail(2, 2), 0.5 - 1 / std::sqrt(6.0), 1e-14); // 1/2 - t / (2 sqrt(t^2 + 2))
    EXPECT_NEAR(studentTUpperTail(3, 2), 0.5 - 1.5 / std::sqrt(11.0), 1e-14);
    EXPECT_EQ(studentTUpperTail(INFINITY, 5), 0);
    EXPECT_EQ(studentTUpperTail(-INFINITY, 5), 1);
}

} // namespace
