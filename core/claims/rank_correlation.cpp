#include "core/claims/rank_correlation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace codescope::claims {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 6.4): converges quickly for
// x < (a + 1) / (a + b + 2), which the caller arranges.
double betaContinuedFraction(double a, double b, double x) {
    constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 500; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        c = 1 + aa / c;
        if (std::fabs(d) < kTiny) d = kTiny;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        c = 1 + aa / c;
        if (std::fabs(d) < kTiny) d = kTiny;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1 / d;
        const double step = d * c;
        h *= step;
        if (std::fabs(step - 1) < kEpsilon) break;
    }
    return h;
}

// I_x(a, b), the regularized incomplete beta function, for x in [0, 1].
double regularizedBeta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    const double logFront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return std::exp(logFront) * betaContinuedFraction(a, b, x) / a;
    return 1 - std::exp(logFront) * betaContinuedFraction(b, a, 1 - x) / b;
}

std::vector<double> centred(std::vector<double> values) {
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    for (double& v : values)
        v -= mean;
    return values;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

// Fractions of the orderings of `ry` (centred ranks) whose sum of products with `rx` is >= and <= `observed`. The
// distinct orderings of a multiset each stand for the same number of the n! permutations, so counting distinct ones
// (std::next_permutation from sorted order) gives the same fractions.
std::pair<double, double> exactTails(const std::vector<double>& rx, std::vector<double> ry, double observed) {
    const double tolerance = 1e-9 * std::max(1.0, std::sqrt(dot(rx, rx) * dot(ry, ry)));
    std::sort(ry.begin(), ry.end());
    long long total = 0, atLeast = 0, atMost = 0;
    do {
        const double s = dot(rx, ry);
        ++total;
        if (s >= observed - tolerance) ++atLeast;
        if (s <= observed + tolerance) ++atMost;
    } while (std::next_permutation(ry.begin(), ry.end()));
    return {static_cast<double>(atLeast) / static_cast<double>(total),
            static_cast<double>(atMost) / static_cast<double>(total)};
}

} // namespace

std::vector<double> averageRanks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
            ++j;
        const double rank = 0.5 * static_cast<double>(i + j) + 1; // mean of the 1-based ranks i+1 .. j+1
        for (std::size_t k = i; k <= j; ++k)
            ranks[order[k]] = rank;
        i = j + 1;
    }
    return ranks;
}

double studentTUpperTail(double t, double dof) {
    if (std::isnan(t)) return kNaN;
    if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
    const double half = 0.5 * regularizedBeta(0.5 * dof, 0.5, dof / (dof + t * t));
    return t >= 0 ? half : 1 - half;
}

RankCorrelation spearman(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) throw std::invalid_argument("spearman: x and y differ in length");
    RankCorrelation result;
    result.n = static_cast<int>(x.size());
    result.rho = result.pLess = result.pGreater = kNaN;
    if (result.n < 2) return result;
    const std::vector<double> rx = centred(averageRanks(x)), ry = centred(averageRanks(y));
    const double sxx = dot(rx, rx), syy = dot(ry, ry);
    if (sxx <= 0 || syy <= 0) return result; // a constant variable has no ranks to correlate
    const double sxy = dot(rx, ry);
    result.rho = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
    if (result.n < 3) return result;
    if (result.n <= kExactSpearmanMaxPairs) {
        const auto [atLeast, atMost] = exactTails(rx, ry, sxy);
        result.pGreater = atLeast;
        result.pLess = atMost;
        result.exact = true;
        return result;
    }
    const double dof = result.n - 2;
    const double r2 = result.rho * result.rho;
    const double t = r2 >= 1 ? std::copysign(std::numeric_limits<double>::infinity(), result.rho)
                             : result.rho * std::sqrt(dof / (1 - r2));
    result.pGreater = studentTUpperTail(t, dof);
    result.pLess = studentTUpperTail(-t, dof);
    return result;
}

double smallestOneSidedP(const std::vector<double>& x, const std::vector<double>& y, bool rising) {
    if (x.size() != y.size()) throw std::invalid_argument("smallestOneSidedP: x and y differ in length");
    // y's values in x's rank order (or its reverse): the strongest association these values allow.
    std::vector<std::size_t> order(x.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> sortedY = y;
    std::sort(sortedY.begin(), sortedY.end());
    if (!rising) std::reverse(sortedY.begin(), sortedY.end());
    std::vector<double> aligned(y.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        aligned[order[i]] = sortedY[i];
    const RankCorrelation best = spearman(x, aligned);
    return rising ? best.pGreater : best.pLess;
}

} // namespace codescope::claims
