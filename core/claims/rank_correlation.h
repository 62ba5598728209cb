#pragma once
// Spearman's rank correlation with ties and its one-sided p-values: the trend test behind the paper checks ("alpha
// falls with depth", "... with the dropout rate"). A few numbers per test, so no library: average ranks, Pearson's r
// of the ranks, and the p-value exact over every ordering for small n, else from Student's t.
#include <vector>

namespace codescope::claims {

/// Up to this many pairs the p-values are exact (all n! orderings of y against x: 40320 at n = 8, a millisecond);
/// above it, the t approximation, which is poor for so few pairs and good beyond.
inline constexpr int kExactSpearmanMaxPairs = 8;

struct RankCorrelation {
    int n = 0;           ///< pairs
    double rho = 0;      ///< Spearman's rho in [-1, 1]: Pearson's r of the average ranks; NaN when x or y is constant
    double pLess = 0;    ///< one-sided p-value against "no association" for rho < 0 (a falling trend); NaN as rho
    double pGreater = 0; ///< one-sided p-value for rho > 0 (a rising trend); NaN as rho
    bool exact = false;  ///< p from every ordering of y (n <= kExactSpearmanMaxPairs), else t approximation
};

/// 1-based ranks of `values`, ties given the average of the ranks they span (e.g. {3, 1, 3} -> {2.5, 1, 2.5}).
std::vector<double> averageRanks(const std::vector<double>& values);

/// Spearman's rho of x against y (equal lengths, finite values) with average ranks for ties, and its one-sided
/// p-values: for n <= kExactSpearmanMaxPairs the fraction of the n! orderings of y's ranks whose rho is at least (at
/// most) the observed one, ties kept; for larger n, t = rho sqrt((n - 2) / (1 - rho^2)) against Student's t with
/// n - 2 degrees of freedom (as scipy.stats.spearmanr). n < 3 gives rho but NaN p-values.
RankCorrelation spearman(const std::vector<double>& x, const std::vector<double>& y);

/// The smallest one-sided p-value this test can give for these x and y whatever their order: y's values put in the
/// same (rising = true) or reverse order as x, ties as they are. At or above a significance level, the data cannot
/// show the trend (too few pairs, or too many ties): "cannot tell" rather than "does not hold".
double smallestOneSidedP(const std::vector<double>& x, const std::vector<double>& y, bool rising);

/// P(T > t) for Student's t with `dof` > 0 degrees of freedom (t may be +-infinity), from the regularized incomplete
/// beta function.
double studentTUpperTail(double t, double dof);

} // namespace codescope::claims
