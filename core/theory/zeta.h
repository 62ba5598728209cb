#pragma once
// The Riemann zeta function on the real axis, for the expected action of random projections (paper, eq. 4 and
// Supplementary 2.5: <E[z]> ~ 1/2 zeta(-alpha)).
namespace codescope::theory {

/// zeta(s) = sum_{k>=1} k^-s for real s > 1, to about 1e-15 relative accuracy (Euler-Maclaurin summation; the .cpp
/// gives the error bound). zeta(s) -> 1 as s -> inf and grows like 1/(s-1) as s -> 1+.
/// Throws std::domain_error for s <= 1 or NaN, where the series diverges (this function does not continue zeta
/// analytically: the paper only needs the convergent series).
double riemannZeta(double s);

} // namespace codescope::theory
